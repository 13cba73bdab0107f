/* kith-contact-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Logging a contact, logging a planned visit once it is made, or putting
 * a visit on the diary. The core decides what is valid and says why not;
 * the dialog only checks that each field could be read, and keeps what was
 * typed when the core refuses, so nothing written in a home is lost.
 */

#define G_LOG_DOMAIN "kith-contact-dialog"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "kith-contact-dialog.h"

#define MAX_PEOPLE_FOUND 8

typedef enum
{
  MODE_LOG,
  MODE_LOG_VISIT,
  MODE_PLAN,
} Mode;

struct _KithContactDialog
{
  AdwWindow           parent_instance;

  KithStore          *store;
  Mode                mode;
  char               *patient_id;
  char               *visit_id;     /* the planned visit being logged */
  char               *plan_id;
  GPtrArray          *action_ids;   /* char*, in the action row's order after "None" */
  KithCaseload       *people;       /* when the person is chosen here */

  /* Template widgets */
  AdwWindowTitle     *window_title;
  GtkWidget          *save_button;
  GtkRevealer        *error_revealer;
  GtkLabel           *error_label;
  AdwActionRow       *person_row;
  GtkSearchEntry     *person_search;
  GtkListBox         *person_list;
  AdwEntryRow        *date_row;
  AdwEntryRow        *time_row;
  GtkCalendar        *calendar;
  AdwComboRow        *kind_row;
  AdwEntryRow        *who_row;
  AdwComboRow        *action_row;
  GtkTextView        *notes_view;
};

G_DEFINE_FINAL_TYPE (KithContactDialog, kith_contact_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static gboolean
parse_date_text (const char *text,
                 GDate      *date)
{
  unsigned y, m, d;
  char extra;

  g_date_clear (date, 1);
  if (text == NULL || sscanf (text, " %4u-%2u-%2u %c", &y, &m, &d, &extra) != 3 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

/* "9:05", "09:05" or "09.05" */
static gboolean
parse_time_text (const char *text,
                 int        *hour,
                 int        *minute)
{
  unsigned h, m;
  char sep, extra;

  if (text == NULL || sscanf (text, " %2u%c%2u %c", &h, &sep, &m, &extra) != 3 ||
      (sep != ':' && sep != '.') || h > 23 || m > 59)
    return FALSE;
  *hour = h;
  *minute = m;
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text ? text : ""));

  return *copy == '\0';
}

static void
mark_row (AdwEntryRow *row,
          gboolean     valid)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (valid || is_blank (text))
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
}

static void
update_save_enabled (KithContactDialog *self)
{
  GDate date;
  int hour, minute;
  gboolean date_ok = parse_date_text (gtk_editable_get_text (GTK_EDITABLE (self->date_row)), &date);
  gboolean time_ok = parse_time_text (gtk_editable_get_text (GTK_EDITABLE (self->time_row)), &hour, &minute);

  mark_row (self->date_row, date_ok);
  mark_row (self->time_row, time_ok);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "contact.save",
                                 self->patient_id != NULL && date_ok && time_ok &&
                                 !is_blank (gtk_editable_get_text (GTK_EDITABLE (self->who_row))));
}

static void
show_error (KithContactDialog *self,
            const char        *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static void
set_when (KithContactDialog *self,
          GDateTime         *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);
  g_autofree char *date = g_date_time_format (local, "%Y-%m-%d");
  g_autofree char *time = g_date_time_format (local, "%H:%M");

  gtk_editable_set_text (GTK_EDITABLE (self->date_row), date);
  gtk_editable_set_text (GTK_EDITABLE (self->time_row), time);
}

/* The date and time typed, as ISO 8601 with the local offset */
static char *
dup_when (KithContactDialog *self)
{
  g_autoptr(GDateTime) when = NULL;
  GDate date;
  int hour, minute;

  if (!parse_date_text (gtk_editable_get_text (GTK_EDITABLE (self->date_row)), &date) ||
      !parse_time_text (gtk_editable_get_text (GTK_EDITABLE (self->time_row)), &hour, &minute))
    return NULL;
  when = g_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date),
                                hour, minute, 0);
  return when ? g_date_time_format_iso8601 (when) : NULL;
}

static char *
dup_notes (KithContactDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The person's open plan actions, "None" first */
static void
fill_actions (KithContactDialog *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GPtrArray) actions = NULL;

  g_clear_pointer (&self->plan_id, g_free);
  g_ptr_array_set_size (self->action_ids, 0);
  gtk_string_list_append (labels, _("None"));
  if (self->patient_id != NULL &&
      (plan = kith_care_plan_load_current (self->store, self->patient_id, NULL)) != NULL)
    {
      self->plan_id = g_strdup (kith_care_plan_get_id (plan));
      actions = kith_care_plan_list_actions (plan);
      for (guint i = 0; i < actions->len; i++)
        {
          const KithAction *action = actions->pdata[i];
          g_autofree char *label = NULL;

          if (action->status != KITH_ACTION_NOT_STARTED && action->status != KITH_ACTION_IN_PROGRESS)
            continue;
          /* Translators: a plan action in a list: "Fit a grab rail (Bethan Hughes)" */
          label = action->owner ? g_strdup_printf (_("%s (%s)"), action->text, action->owner)
                                : g_strdup (action->text);
          gtk_string_list_append (labels, label);
          g_ptr_array_add (self->action_ids, g_strdup (action->id));
        }
    }
  adw_combo_row_set_model (self->action_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->action_row, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->action_row), self->action_ids->len > 0);
}

static void
set_person (KithContactDialog *self,
            const char        *patient_id)
{
  g_autoptr(KithPatient) patient = NULL;
  g_autofree char *name = NULL;

  g_free (self->patient_id);
  self->patient_id = g_strdup (patient_id);
  if (patient_id != NULL && (patient = kith_store_load_patient (self->store, patient_id, NULL)) != NULL)
    name = kith_patient_dup_list_name (patient);
  adw_action_row_set_subtitle (self->person_row,
                               name ? name : patient_id ? _("Not in the records on this computer")
                                                        : _("Search for the person below"));
  if (self->mode != MODE_PLAN)
    fill_actions (self);
  update_save_enabled (self);
}

static GtkWidget *
create_person_row_cb (gpointer item,
                      gpointer user_data)
{
  KithCaseloadEntry *entry = item;
  GtkWidget *row = adw_action_row_new ();
  const char *nhs = kith_caseload_entry_get_nhs_number (entry);
  const char *born = kith_caseload_entry_get_birth_date (entry);
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kith_caseload_entry_get_list_name (entry));
  /* Translators: a person found: "NHS 943 476 5919 · born 1941-03-07" */
  subtitle = g_strdup_printf (_("NHS %s · born %s"), nhs ? nhs : "—", born ? born : "—");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_object_set_data_full (G_OBJECT (row), "kith-patient-id", g_strdup (kith_caseload_entry_get_id (entry)), g_free);
  return row;
}

/* Callbacks */

static void
on_field_changed_cb (KithContactDialog *self)
{
  update_save_enabled (self);
}

static void
on_calendar_day_selected_cb (KithContactDialog *self)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (self->calendar);
  g_autofree char *text = g_date_time_format (day, "%Y-%m-%d");

  gtk_editable_set_text (GTK_EDITABLE (self->date_row), text);
}

static void
on_person_search_changed_cb (KithContactDialog *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->person_search));

  kith_caseload_set_query (self->people, query);
  gtk_widget_set_visible (GTK_WIDGET (self->person_list), !is_blank (query));
}

static void
on_person_list_row_selected_cb (KithContactDialog *self,
                                GtkListBoxRow     *row)
{
  if (row != NULL)
    set_person (self, g_object_get_data (G_OBJECT (row), "kith-patient-id"));
}

static void
contact_save_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KithContactDialog *self = KITH_CONTACT_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (!kith_contact_dialog_save (self, &error))
    return;   /* shown in the dialog */
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Overrides */

static void
kith_contact_dialog_dispose (GObject *object)
{
  KithContactDialog *self = KITH_CONTACT_DIALOG (object);

  g_clear_object (&self->people);

  G_OBJECT_CLASS (kith_contact_dialog_parent_class)->dispose (object);
}

static void
kith_contact_dialog_finalize (GObject *object)
{
  KithContactDialog *self = KITH_CONTACT_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->visit_id, g_free);
  g_clear_pointer (&self->plan_id, g_free);
  g_clear_pointer (&self->action_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_contact_dialog_parent_class)->finalize (object);
}

static void
kith_contact_dialog_class_init (KithContactDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_contact_dialog_dispose;
  object_class->finalize = kith_contact_dialog_finalize;

  /**
   * KithContactDialog::saved:
   * @encounter_id: the contact or planned visit recorded
   */
  signals[SAVED] = g_signal_new ("saved",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-contact-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, person_row);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, person_search);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, person_list);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, time_row);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, who_row);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, action_row);
  gtk_widget_class_bind_template_child (widget_class, KithContactDialog, notes_view);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_calendar_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_person_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_person_list_row_selected_cb);

  gtk_widget_class_install_action (widget_class, "contact.save", NULL, contact_save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "contact.save", NULL);
}

static void
kith_contact_dialog_init (KithContactDialog *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->action_ids = g_ptr_array_new_with_free_func (g_free);
  for (KithContactKind kind = 0; kind < KITH_CONTACT_N_KINDS; kind++)
    gtk_string_list_append (kinds, kith_contact_kind_to_label (kind));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
}

static KithContactDialog *
contact_dialog_new (GtkWindow  *parent,
                    KithStore  *store,
                    Mode        mode,
                    const char *my_name)
{
  KithContactDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  self = g_object_new (KITH_TYPE_CONTACT_DIALOG,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->store = g_object_ref (store);
  self->mode = mode;
  if (my_name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->who_row), my_name);
  return self;
}

/* Public API */

GtkWidget *
kith_contact_dialog_new (GtkWindow  *parent,
                         KithStore  *store,
                         const char *patient_id,
                         const char *my_name)
{
  KithContactDialog *self;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_return_val_if_fail (patient_id != NULL, NULL);

  self = contact_dialog_new (parent, store, MODE_LOG, my_name);
  set_when (self, now);
  set_person (self, patient_id);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->notes_view));
  return GTK_WIDGET (self);
}

GtkWidget *
kith_contact_dialog_new_for_visit (GtkWindow  *parent,
                                   KithStore  *store,
                                   const char *encounter_id,
                                   const char *my_name)
{
  KithContactDialog *self;
  g_autoptr(KithContactEntry) visit = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_return_val_if_fail (encounter_id != NULL, NULL);

  self = contact_dialog_new (parent, store, MODE_LOG_VISIT, my_name);
  self->visit_id = g_strdup (encounter_id);
  gtk_window_set_title (GTK_WINDOW (self), _("Log the Visit"));
  adw_window_title_set_title (self->window_title, _("Log the Visit"));
  adw_combo_row_set_selected (self->kind_row, KITH_CONTACT_HOME_VISIT);

  if ((visit = kith_contact_load (store, encounter_id, &error)) == NULL)
    {
      /* Nothing to log against: say so, and offer no Save. */
      set_when (self, now);
      show_error (self, error->message);
      update_save_enabled (self);
      return GTK_WIDGET (self);
    }
  /* The time it was planned for, unless that is still to come */
  {
    g_autoptr(GDateTime) planned = visit->when ? g_date_time_new_from_iso8601 (visit->when, NULL) : NULL;

    set_when (self, planned != NULL && g_date_time_compare (planned, now) <= 0 ? planned : now);
  }
  if (visit->participants != NULL && visit->participants[0] != NULL)
    {
      g_autofree char *who = g_strjoinv (", ", visit->participants);

      gtk_editable_set_text (GTK_EDITABLE (self->who_row), who);
    }
  if (visit->notes != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), visit->notes, -1);
  set_person (self, visit->patient_id);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->notes_view));
  return GTK_WIDGET (self);
}

GtkWidget *
kith_contact_dialog_new_plan (GtkWindow   *parent,
                              KithStore   *store,
                              const char  *patient_id,
                              const char  *my_name,
                              const GDate *day)
{
  KithContactDialog *self;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) when = NULL;

  self = contact_dialog_new (parent, store, MODE_PLAN, my_name);
  gtk_window_set_title (GTK_WINDOW (self), _("Plan a Visit"));
  adw_window_title_set_title (self->window_title, _("Plan a Visit"));
  adw_window_title_set_subtitle (self->window_title, _("A home visit on your diary"));
  gtk_button_set_label (GTK_BUTTON (self->save_button), _("_Plan Visit"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->who_row),
                                 _("_Who will visit (you first, then others, separated by commas)"));
  gtk_widget_set_visible (GTK_WIDGET (self->kind_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->action_row), FALSE);
  adw_combo_row_set_selected (self->kind_row, KITH_CONTACT_HOME_VISIT);

  /* Today: the next whole hour; another day: ten in the morning. */
  if (day != NULL && g_date_valid (day) &&
      (g_date_get_year (day) != (guint) g_date_time_get_year (now) ||
       g_date_get_month (day) != (guint) g_date_time_get_month (now) ||
       g_date_get_day (day) != (guint) g_date_time_get_day_of_month (now)))
    when = g_date_time_new_local (g_date_get_year (day), g_date_get_month (day), g_date_get_day (day), 10, 0, 0);
  else
    when = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                  g_date_time_get_day_of_month (now), MIN (g_date_time_get_hour (now) + 1, 23),
                                  0, 0);
  set_when (self, when);

  if (patient_id == NULL)
    {
      self->people = kith_caseload_new (store);
      {
        g_autoptr(GtkSliceListModel) first = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->people)),
                                                                       0, MAX_PEOPLE_FOUND);

        gtk_list_box_bind_model (self->person_list, G_LIST_MODEL (first), create_person_row_cb, NULL, NULL);
      }
      gtk_widget_set_visible (GTK_WIDGET (self->person_search), TRUE);
      set_person (self, NULL);
      gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->person_search));
    }
  else
    {
      set_person (self, patient_id);
      gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->time_row));
    }
  return GTK_WIDGET (self);
}

gboolean
kith_contact_dialog_save (KithContactDialog  *self,
                          GError            **error)
{
  g_autoptr(KithContactEntry) entry = g_new0 (KithContactEntry, 1);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *id = NULL;
  guint selected_action;

  g_return_val_if_fail (KITH_IS_CONTACT_DIALOG (self), FALSE);

  entry->patient_id = g_strdup (self->patient_id);
  entry->kind = adw_combo_row_get_selected (self->kind_row);
  entry->when = dup_when (self);
  entry->participants = kith_contact_split_participants (gtk_editable_get_text (GTK_EDITABLE (self->who_row)));
  entry->notes = dup_notes (self);
  selected_action = adw_combo_row_get_selected (self->action_row);
  if (self->mode != MODE_PLAN && selected_action != GTK_INVALID_LIST_POSITION && selected_action > 0 &&
      selected_action <= self->action_ids->len)
    {
      entry->plan_id = g_strdup (self->plan_id);
      entry->action_id = g_strdup (self->action_ids->pdata[selected_action - 1]);
    }
  if (entry->when == NULL)
    {
      g_set_error_literal (&local_error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                           _("Give the date as year-month-day and the time as hours:minutes"));
    }
  else
    switch (self->mode)
      {
      case MODE_LOG:
        id = kith_contact_log (self->store, entry, &local_error);
        break;
      case MODE_LOG_VISIT:
        if (kith_contact_log_planned (self->store, self->visit_id, entry, &local_error))
          id = g_strdup (self->visit_id);
        break;
      case MODE_PLAN:
        id = kith_contact_plan_visit (self->store, entry, &local_error);
        break;
      default:
        g_assert_not_reached ();
      }

  if (id == NULL)
    {
      show_error (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  show_error (self, NULL);
  g_signal_emit (self, signals[SAVED], 0, id);
  return TRUE;
}

GtkWidget *
kith_contact_dialog_get_save_button (KithContactDialog *self)
{
  g_return_val_if_fail (KITH_IS_CONTACT_DIALOG (self), NULL);
  return self->save_button;
}

GtkEditable *
kith_contact_dialog_get_date (KithContactDialog *self)
{
  g_return_val_if_fail (KITH_IS_CONTACT_DIALOG (self), NULL);
  return GTK_EDITABLE (self->date_row);
}

GtkEditable *
kith_contact_dialog_get_time (KithContactDialog *self)
{
  g_return_val_if_fail (KITH_IS_CONTACT_DIALOG (self), NULL);
  return GTK_EDITABLE (self->time_row);
}

GtkEditable *
kith_contact_dialog_get_who (KithContactDialog *self)
{
  g_return_val_if_fail (KITH_IS_CONTACT_DIALOG (self), NULL);
  return GTK_EDITABLE (self->who_row);
}

GtkTextView *
kith_contact_dialog_get_notes (KithContactDialog *self)
{
  g_return_val_if_fail (KITH_IS_CONTACT_DIALOG (self), NULL);
  return self->notes_view;
}

AdwComboRow *
kith_contact_dialog_get_kind_row (KithContactDialog *self)
{
  g_return_val_if_fail (KITH_IS_CONTACT_DIALOG (self), NULL);
  return self->kind_row;
}

AdwComboRow *
kith_contact_dialog_get_action_row (KithContactDialog *self)
{
  g_return_val_if_fail (KITH_IS_CONTACT_DIALOG (self), NULL);
  return self->action_row;
}

GtkEditable *
kith_contact_dialog_get_person_search (KithContactDialog *self)
{
  g_return_val_if_fail (KITH_IS_CONTACT_DIALOG (self), NULL);
  return GTK_EDITABLE (self->person_search);
}

GtkListBox *
kith_contact_dialog_get_person_list (KithContactDialog *self)
{
  g_return_val_if_fail (KITH_IS_CONTACT_DIALOG (self), NULL);
  return self->person_list;
}

const char *
kith_contact_dialog_get_error (KithContactDialog *self)
{
  g_return_val_if_fail (KITH_IS_CONTACT_DIALOG (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->error_revealer))
    return NULL;
  return gtk_label_get_text (self->error_label);
}
