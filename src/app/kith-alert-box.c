/* kith-alert-box.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A person's open safety alerts, at the top of their record and of the
 * assessment: what, why, what to do now, and when it was raised, with
 * "Record action…" to close it. Each is announced as an alert to screen
 * readers, and marked by an icon and words, never by colour alone.
 */

#define G_LOG_DOMAIN "kith-alert-box"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-alert-box.h"
#include "kith-alert-dialog.h"
#include "kith-format.h"

struct _KithAlertBox
{
  GtkWidget  parent_instance;

  KithStore *store;
  char      *patient_id;
  GPtrArray *alerts;        /* KithAlert */

  /* Template widgets */
  GtkBox    *alerts_box;
};

G_DEFINE_FINAL_TYPE (KithAlertBox, kith_alert_box, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_alert_dialog_recorded_cb (KithAlertBox *self)
{
  kith_alert_box_reload (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_record_button_clicked_cb (GtkButton    *button,
                             KithAlertBox *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "kith-alert-index"));

  kith_alert_box_record_action (self, index);
}

static GtkWidget *
make_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                   "label", text,
                                   "xalign", 0.0f,
                                   "wrap", TRUE,
                                   "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                   "selectable", FALSE,
                                   NULL);

  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
make_alert_card (KithAlertBox    *self,
                 const KithAlert *alert,
                 guint            index)
{
  g_autofree char *raised = kith_format_instant (alert->raised);
  g_autofree char *name = NULL;
  GtkWidget *card, *header, *icon, *texts, *button;

  /* Translators: how a screen reader introduces an alert, "Open safety alert: …" */
  name = g_strdup_printf (_("Open safety alert: %s"), alert->title != NULL ? alert->title : "");
  card = g_object_new (GTK_TYPE_BOX,
                       "orientation", GTK_ORIENTATION_HORIZONTAL,
                       "spacing", 12,
                       "accessible-role", GTK_ACCESSIBLE_ROLE_ALERT,
                       NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_add_css_class (card, "kith-alert");

  icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_image_set_icon_size (GTK_IMAGE (icon), GTK_ICON_SIZE_LARGE);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Open safety alert"), -1);
  gtk_box_append (GTK_BOX (card), icon);

  texts = g_object_new (GTK_TYPE_BOX,
                        "orientation", GTK_ORIENTATION_VERTICAL,
                        "spacing", 4,
                        "hexpand", TRUE,
                        NULL);
  header = make_label (_("Safety alert: needs action now"), "caption-heading");
  gtk_box_append (GTK_BOX (texts), header);
  gtk_box_append (GTK_BOX (texts), make_label (alert->title != NULL ? alert->title : "", "heading"));
  if (alert->advice != NULL)
    gtk_box_append (GTK_BOX (texts), make_label (alert->advice, NULL));

  /* Why and when, on one quieter line */
  if (alert->why != NULL || raised != NULL)
    {
      g_autofree char *why = NULL;
      g_autofree char *when = NULL;
      g_autofree char *details = NULL;

      if (alert->why != NULL)
        /* Translators: what raised a safety alert */
        why = g_strdup_printf (_("Why: %s"), alert->why);
      if (raised != NULL)
        /* Translators: when a safety alert was raised, "Raised 3 March 2026 at 14:05" */
        when = g_strdup_printf (_("Raised %s"), raised);
      details = g_strjoin (" · ", why != NULL ? why : when, why != NULL ? when : NULL, NULL);
      gtk_box_append (GTK_BOX (texts), make_label (details, "caption"));
    }

  /* Below the words, so a narrow record pane never squeezes them */
  button = gtk_button_new_with_mnemonic (_("_Record Action…"));
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_margin_top (button, 4);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_widget_set_tooltip_text (button, _("Record who acted, what was done and when, to close this alert"));
  g_object_set_data (G_OBJECT (button), "kith-alert-index", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", G_CALLBACK (on_record_button_clicked_cb), self);
  gtk_box_append (GTK_BOX (texts), button);
  gtk_box_append (GTK_BOX (card), texts);

  return card;
}

static void
kith_alert_box_dispose (GObject *object)
{
  KithAlertBox *self = KITH_ALERT_BOX (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_ALERT_BOX);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kith_alert_box_parent_class)->dispose (object);
}

static void
kith_alert_box_finalize (GObject *object)
{
  KithAlertBox *self = KITH_ALERT_BOX (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->alerts, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_alert_box_parent_class)->finalize (object);
}

static void
kith_alert_box_class_init (KithAlertBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_alert_box_dispose;
  object_class->finalize = kith_alert_box_finalize;

  /**
   * KithAlertBox::changed:
   *
   * An alert was closed with a recorded action.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-alert-box.ui");
  gtk_widget_class_bind_template_child (widget_class, KithAlertBox, alerts_box);
}

static void
kith_alert_box_init (KithAlertBox *self)
{
  self->alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_alert_free);

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kith_alert_box_new (void)
{
  return g_object_new (KITH_TYPE_ALERT_BOX, NULL);
}

void
kith_alert_box_set_patient (KithAlertBox *self,
                            KithStore    *store,
                            const char   *patient_id)
{
  g_return_if_fail (KITH_IS_ALERT_BOX (self));
  g_return_if_fail (store == NULL || KITH_IS_STORE (store));

  g_set_object (&self->store, store);
  g_free (self->patient_id);
  self->patient_id = g_strdup (patient_id);

  kith_alert_box_reload (self);
}

void
kith_alert_box_reload (KithAlertBox *self)
{
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  g_return_if_fail (KITH_IS_ALERT_BOX (self));

  if (self->store != NULL && self->patient_id != NULL &&
      !(alerts = kith_alerts_list_open (self->store, self->patient_id, &error)))
    g_warning ("Could not read the open safety alerts: %s", error->message);

  g_ptr_array_set_size (self->alerts, 0);
  if (alerts != NULL)
    g_ptr_array_extend_and_steal (self->alerts, g_steal_pointer (&alerts));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->alerts_box))) != NULL)
    gtk_box_remove (self->alerts_box, child);
  for (guint i = 0; i < self->alerts->len; i++)
    gtk_box_append (self->alerts_box, make_alert_card (self, self->alerts->pdata[i], i));

  gtk_widget_set_visible (GTK_WIDGET (self), self->alerts->len > 0);
}

guint
kith_alert_box_get_n_alerts (KithAlertBox *self)
{
  g_return_val_if_fail (KITH_IS_ALERT_BOX (self), 0);

  return self->alerts->len;
}

GtkWidget *
kith_alert_box_record_action (KithAlertBox *self,
                              guint         index)
{
  GtkRoot *root;
  GtkWidget *dialog;

  g_return_val_if_fail (KITH_IS_ALERT_BOX (self), NULL);
  g_return_val_if_fail (index < self->alerts->len, NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = kith_alert_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                  self->store, self->alerts->pdata[index]);
  g_signal_connect_object (dialog, "recorded", G_CALLBACK (on_alert_dialog_recorded_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}
