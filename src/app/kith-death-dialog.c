/* kith-death-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Recording a death: the day, and whether the person died where they
 * wished, asked only when their wish was recorded and shown in their own
 * words. What is written, and what else ends with it, is the core's
 * (kith_end_of_life_record_death()).
 */

#define G_LOG_DOMAIN "kith-death-dialog"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "kith-death-dialog.h"
#include "kith-format.h"

struct _KithDeathDialog
{
  AdwMessageDialog  parent_instance;

  KithStore        *store;
  char             *patient_id;
  char             *recorded_by;
  gboolean          correction;
  char             *place_text;

  GtkEditable      *date_entry;
  GtkCheckButton   *met_check;
  GtkCheckButton   *not_met_check;
  GtkCheckButton   *not_known_check;
};

G_DEFINE_FINAL_TYPE (KithDeathDialog, kith_death_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

/* A real day, not after today: the core checks again, with the birth. */
static gboolean
date_is_plausible (const char *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDate day, today;
  int y, m, d;
  char tail;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, d, m, y);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  return g_date_compare (&day, &today) <= 0;
}

static KithPlaceMet
chosen_place (KithDeathDialog *self)
{
  if (self->met_check && gtk_check_button_get_active (self->met_check))
    return KITH_PLACE_MET;
  if (self->not_met_check && gtk_check_button_get_active (self->not_met_check))
    return KITH_PLACE_NOT_MET;
  return KITH_PLACE_NOT_RECORDED;
}

/* Callbacks */

static void
on_date_changed_cb (KithDeathDialog *self)
{
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "record",
                                           date_is_plausible (gtk_editable_get_text (self->date_entry)));
}

static void
on_response_cb (KithDeathDialog *self,
                const char      *response)
{
  g_autoptr(GError) error = NULL;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (g_strcmp0 (response, "record") != 0)
    return;
  if (!kith_death_dialog_save (self, &error) &&
      (parent == NULL ||
       !gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-toast", "s", error->message)))
    g_warning ("%s", error->message);
}

/* Overrides */

static void
kith_death_dialog_finalize (GObject *object)
{
  KithDeathDialog *self = KITH_DEATH_DIALOG (object);

  g_clear_object (&self->store);
  g_free (self->patient_id);
  g_free (self->recorded_by);
  g_free (self->place_text);

  G_OBJECT_CLASS (kith_death_dialog_parent_class)->finalize (object);
}

static void
kith_death_dialog_class_init (KithDeathDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kith_death_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);
}

static void
kith_death_dialog_init (KithDeathDialog *self)
{
}

/* Public API */

GtkWidget *
kith_death_dialog_new (GtkWindow  *parent,
                       KithStore  *store,
                       const char *patient_id,
                       const char *recorded_by)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(KithDeath) death = NULL;
  g_autoptr(KithPreferredPlace) place = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  KithDeathDialog *self;
  AdwMessageDialog *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *date_row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *date_label = gtk_label_new_with_mnemonic (_("_Day they died"));
  GtkWidget *entry = gtk_entry_new ();

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  self = g_object_new (KITH_TYPE_DEATH_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  dialog = ADW_MESSAGE_DIALOG (self);
  self->store = g_object_ref (store);
  self->patient_id = g_strdup (patient_id);
  self->recorded_by = g_strdup (recorded_by);

  if ((patient = kith_store_read_resource (store, "Patient", patient_id, &error)))
    death = kith_end_of_life_get_death (patient);
  self->correction = death != NULL;
  if (!(place = kith_end_of_life_get_preferred_place (store, patient_id, &error)) && error)
    g_warning ("The preferred place cannot be read: %s", error->message);

  adw_message_dialog_set_heading (dialog, self->correction ? _("Correct the Record of Death")
                                                           : _("Record a Death"));
  adw_message_dialog_set_body (dialog, self->correction
                               ? _("Change the day, or whether they died where they wished.")
                               : _("Their care plan ends, and a place on the virtual ward is given up, so that "
                                   "nothing is left due in anyone’s list."));

  /* The day: as recorded, when correcting. */
  self->date_entry = GTK_EDITABLE (entry);
  gtk_editable_set_text (self->date_entry, death && death->died ? death->died : today);
  if (death && death->died && strlen (death->died) > 10)
    {
      g_autofree char *day = g_strndup (death->died, 10);

      gtk_editable_set_text (self->date_entry, day);
    }
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "2026-03-01");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (date_label), entry);
  gtk_label_set_xalign (GTK_LABEL (date_label), 0);
  gtk_widget_add_css_class (date_label, "heading");
  gtk_box_append (GTK_BOX (date_row), date_label);
  gtk_box_append (GTK_BOX (date_row), entry);
  gtk_box_append (GTK_BOX (box), date_row);
  g_signal_connect_swapped (entry, "changed", G_CALLBACK (on_date_changed_cb), self);

  if (place == NULL)
    {
      GtkWidget *none = gtk_label_new (_("No preferred place of care at the end of life was recorded."));

      gtk_label_set_wrap (GTK_LABEL (none), TRUE);
      gtk_label_set_xalign (GTK_LABEL (none), 0);
      gtk_widget_add_css_class (none, "dim-label");
      gtk_box_append (GTK_BOX (box), none);
    }
  else
    {
      GtkWidget *wish = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *heading = gtk_label_new (_("Where they wished to be cared for at the end of life"));
      GtkWidget *words = gtk_label_new (NULL);
      GtkWidget *question = gtk_label_new (_("Did they die there?"));
      g_autofree char *when = kith_format_instant (place->recorded);
      /* Translators: the person's own words, and when they said them */
      g_autofree char *text = g_strdup_printf (_("“%s” (recorded %s)"), place->text, when ? when : "");

      self->place_text = g_strdup (place->text);
      gtk_label_set_xalign (GTK_LABEL (heading), 0);
      gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
      gtk_widget_add_css_class (heading, "heading");
      gtk_label_set_text (GTK_LABEL (words), text);
      gtk_label_set_xalign (GTK_LABEL (words), 0);
      gtk_label_set_wrap (GTK_LABEL (words), TRUE);
      gtk_label_set_selectable (GTK_LABEL (words), TRUE);
      gtk_label_set_xalign (GTK_LABEL (question), 0);
      gtk_widget_add_css_class (question, "heading");
      gtk_widget_set_margin_top (question, 6);
      self->met_check = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("_Yes, they died there")));
      self->not_met_check = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("_No, they died elsewhere")));
      self->not_known_check = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("Not _known")));
      gtk_check_button_set_group (self->not_met_check, self->met_check);
      gtk_check_button_set_group (self->not_known_check, self->met_check);
      gtk_check_button_set_active (death && death->place == KITH_PLACE_MET ? self->met_check
                                   : death && death->place == KITH_PLACE_NOT_MET ? self->not_met_check
                                   : self->not_known_check, TRUE);
      gtk_box_append (GTK_BOX (wish), heading);
      gtk_box_append (GTK_BOX (wish), words);
      gtk_box_append (GTK_BOX (wish), question);
      gtk_box_append (GTK_BOX (wish), GTK_WIDGET (self->met_check));
      gtk_box_append (GTK_BOX (wish), GTK_WIDGET (self->not_met_check));
      gtk_box_append (GTK_BOX (wish), GTK_WIDGET (self->not_known_check));
      gtk_box_append (GTK_BOX (box), wish);
    }
  adw_message_dialog_set_extra_child (dialog, box);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "record", self->correction ? _("_Correct") : _("_Record"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "record", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (self, "response", G_CALLBACK (on_response_cb), NULL);
  on_date_changed_cb (self);
  return GTK_WIDGET (self);
}

GtkEditable *
kith_death_dialog_get_date (KithDeathDialog *self)
{
  g_return_val_if_fail (KITH_IS_DEATH_DIALOG (self), NULL);
  return self->date_entry;
}

const char *
kith_death_dialog_get_place_text (KithDeathDialog *self)
{
  g_return_val_if_fail (KITH_IS_DEATH_DIALOG (self), NULL);
  return self->place_text;
}

GtkCheckButton *
kith_death_dialog_get_place_check (KithDeathDialog *self,
                                   KithPlaceMet     place)
{
  g_return_val_if_fail (KITH_IS_DEATH_DIALOG (self), NULL);

  switch (place)
    {
    case KITH_PLACE_MET:
      return self->met_check;
    case KITH_PLACE_NOT_MET:
      return self->not_met_check;
    case KITH_PLACE_NOT_RECORDED:
    default:
      return self->not_known_check;
    }
}

gboolean
kith_death_dialog_save (KithDeathDialog  *self,
                        GError          **error)
{
  g_return_val_if_fail (KITH_IS_DEATH_DIALOG (self), FALSE);

  if (!kith_end_of_life_record_death (self->store, self->patient_id, gtk_editable_get_text (self->date_entry),
                                      chosen_place (self), self->correction, self->recorded_by, NULL, error))
    return FALSE;
  g_signal_emit (self, signals[SAVED], 0);
  return TRUE;
}
