/* kith-stay-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A hospital admission or discharge, as the co-ordinator hears of it. The
 * discharge is the crunch point: the core marks the plan for review and
 * puts the person on the follow-up list.
 */

#define G_LOG_DOMAIN "kith-stay-dialog"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "kith-format.h"
#include "kith-stay-dialog.h"

struct _KithStayDialog
{
  AdwWindow           parent_instance;

  KithStore          *store;
  char               *patient_id;
  char               *my_name;
  KithStayDialogKind  kind;

  /* Template widgets */
  AdwWindowTitle     *window_title;
  GtkRevealer        *error_revealer;
  GtkLabel           *error_label;
  GtkLabel           *explanation_label;
  AdwEntryRow        *date_row;
  GtkCalendar        *calendar;
  AdwEntryRow        *hospital_row;
  AdwEntryRow        *reason_row;
  AdwEntryRow        *note_row;
};

G_DEFINE_FINAL_TYPE (KithStayDialog, kith_stay_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static char *
dup_date (KithStayDialog *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->date_row))));
  unsigned y, m, d;
  char extra;

  if (sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &extra) != 3 || !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_strdup_printf ("%04u-%02u-%02u", y, m, d);
}

static char *
dup_row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
show_error (KithStayDialog *self,
            const char     *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* Callbacks */

static void
on_field_changed_cb (KithStayDialog *self)
{
  g_autofree char *date = dup_date (self);

  if (date == NULL && *gtk_editable_get_text (GTK_EDITABLE (self->date_row)) != '\0')
    gtk_widget_add_css_class (GTK_WIDGET (self->date_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->date_row), "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "stay.save", date != NULL);
}

static void
on_calendar_day_selected_cb (KithStayDialog *self)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (self->calendar);
  g_autofree char *text = g_date_time_format (day, "%Y-%m-%d");

  gtk_editable_set_text (GTK_EDITABLE (self->date_row), text);
}

static void
stay_save_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KithStayDialog *self = KITH_STAY_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (kith_stay_dialog_save (self, &error))
    gtk_window_destroy (GTK_WINDOW (self));
}

/* Overrides */

static void
kith_stay_dialog_finalize (GObject *object)
{
  KithStayDialog *self = KITH_STAY_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->my_name, g_free);

  G_OBJECT_CLASS (kith_stay_dialog_parent_class)->finalize (object);
}

static void
kith_stay_dialog_class_init (KithStayDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kith_stay_dialog_finalize;

  /**
   * KithStayDialog::saved:
   *
   * The admission or discharge is recorded.
   */
  signals[SAVED] = g_signal_new ("saved",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-stay-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithStayDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KithStayDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KithStayDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KithStayDialog, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, KithStayDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, KithStayDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, KithStayDialog, hospital_row);
  gtk_widget_class_bind_template_child (widget_class, KithStayDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, KithStayDialog, note_row);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_calendar_day_selected_cb);

  gtk_widget_class_install_action (widget_class, "stay.save", NULL, stay_save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kith_stay_dialog_init (KithStayDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API */

GtkWidget *
kith_stay_dialog_new (GtkWindow          *parent,
                      KithStore          *store,
                      const char         *patient_id,
                      KithStayDialogKind  kind,
                      const char         *my_name)
{
  KithStayDialog *self;
  g_autoptr(KithHospitalStay) open = NULL;
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = NULL;
  gboolean discharge;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  open = kith_contact_get_open_stay (store, patient_id, NULL);
  discharge = kind == KITH_STAY_DIALOG_DISCHARGE || (kind == KITH_STAY_DIALOG_AUTO && open != NULL);

  self = g_object_new (KITH_TYPE_STAY_DIALOG,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->store = g_object_ref (store);
  self->patient_id = g_strdup (patient_id);
  self->my_name = g_strdup (my_name);
  self->kind = discharge ? KITH_STAY_DIALOG_DISCHARGE : KITH_STAY_DIALOG_ADMISSION;
  if ((patient = kith_store_load_patient (store, patient_id, NULL)) != NULL)
    name = kith_patient_dup_spoken_name (patient);

  gtk_widget_set_visible (GTK_WIDGET (self->hospital_row), !discharge);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_row), !discharge);
  gtk_widget_set_visible (GTK_WIDGET (self->note_row), discharge);
  if (discharge)
    {
      const char *title = _("Record a Discharge");
      g_autofree char *since = open && open->admitted ? kith_format_iso_date (open->admitted, KITH_DATE_STYLE_LONG)
                                                      : NULL;
      g_autofree char *text = NULL;

      gtk_window_set_title (GTK_WINDOW (self), title);
      adw_window_title_set_title (self->window_title, title);
      if (since != NULL)
        /* Translators: "In St James’s since 3 March 2026." then what a discharge does */
        text = g_strdup_printf (_("In %s since %s. Recording the discharge makes the care plan’s review due "
                                  "and puts the person on the follow-up list until a contact is logged."),
                                open->hospital ? open->hospital : _("hospital"), since);
      else
        text = g_strdup (_("Recording the discharge makes the care plan’s review due and puts the person on "
                           "the follow-up list until a contact is logged."));
      gtk_label_set_text (self->explanation_label, text);
    }
  else
    {
      const char *title = _("Record a Hospital Admission");

      gtk_window_set_title (GTK_WINDOW (self), title);
      adw_window_title_set_title (self->window_title, title);
      gtk_label_set_text (self->explanation_label,
                          _("The person is shown as in hospital until the discharge is recorded."));
    }
  if (name != NULL)
    adw_window_title_set_subtitle (self->window_title, name);

  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (discharge ? self->note_row : self->hospital_row));
  return GTK_WIDGET (self);
}

KithStayDialogKind
kith_stay_dialog_get_kind (KithStayDialog *self)
{
  g_return_val_if_fail (KITH_IS_STAY_DIALOG (self), KITH_STAY_DIALOG_AUTO);

  return self->kind;
}

gboolean
kith_stay_dialog_save (KithStayDialog  *self,
                       GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *date = NULL;
  gboolean saved;

  g_return_val_if_fail (KITH_IS_STAY_DIALOG (self), FALSE);

  date = dup_date (self);
  if (date == NULL)
    {
      g_set_error_literal (&local_error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                           _("Give the date as year-month-day, for example 2027-03-01"));
      saved = FALSE;
    }
  else if (self->kind == KITH_STAY_DIALOG_DISCHARGE)
    {
      g_autofree char *note = dup_row_text (self->note_row);

      saved = kith_contact_record_discharge (self->store, self->patient_id, date, note, self->my_name,
                                             &local_error);
    }
  else
    {
      g_autofree char *hospital = dup_row_text (self->hospital_row);
      g_autofree char *reason = dup_row_text (self->reason_row);
      g_autofree char *id = kith_contact_record_admission (self->store, self->patient_id, date, hospital, reason,
                                                           &local_error);

      saved = id != NULL;
    }

  if (!saved)
    {
      show_error (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  show_error (self, NULL);
  g_signal_emit (self, signals[SAVED], 0);
  return TRUE;
}

GtkEditable *
kith_stay_dialog_get_date (KithStayDialog *self)
{
  g_return_val_if_fail (KITH_IS_STAY_DIALOG (self), NULL);
  return GTK_EDITABLE (self->date_row);
}

GtkEditable *
kith_stay_dialog_get_hospital (KithStayDialog *self)
{
  g_return_val_if_fail (KITH_IS_STAY_DIALOG (self), NULL);
  return GTK_EDITABLE (self->hospital_row);
}

GtkEditable *
kith_stay_dialog_get_reason (KithStayDialog *self)
{
  g_return_val_if_fail (KITH_IS_STAY_DIALOG (self), NULL);
  return GTK_EDITABLE (self->reason_row);
}

GtkEditable *
kith_stay_dialog_get_note (KithStayDialog *self)
{
  g_return_val_if_fail (KITH_IS_STAY_DIALOG (self), NULL);
  return GTK_EDITABLE (self->note_row);
}
