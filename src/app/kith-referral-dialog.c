/* kith-referral-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A referral as it arrives, from whoever sends it: the person (found in
 * Kith, or new, with their NHS number checked as it is typed), where it
 * came from and who referred, the reason in their words, how urgent, and
 * when it came. And the three triage decisions, each a small dialog:
 * accept with a named co-ordinator, ask for information, or decline with
 * a reason.
 */

#define G_LOG_DOMAIN "kith-referral-dialog"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "kith-format.h"
#include "kith-referral-dialog.h"

/* People shown for a search: the rest are a narrower search away */
#define MAX_RESULTS 8

struct _KithReferralDialog
{
  AdwWindow        parent_instance;

  KithStore       *store;
  KithCaseload    *caseload;
  char            *patient_id;    /* the person chosen, if already in Kith */

  /* Template widgets */
  GtkButton       *add_button;
  GtkLabel        *error_label;
  GtkCheckButton  *existing_check;
  GtkCheckButton  *new_check;
  GtkWidget       *existing_box;
  GtkSearchEntry  *search_entry;
  GtkListBox      *results_list;
  GtkLabel        *chosen_label;
  GtkWidget       *new_box;
  AdwEntryRow     *given_row;
  AdwEntryRow     *family_row;
  AdwEntryRow     *birth_row;
  AdwEntryRow     *nhs_row;
  GtkLabel        *nhs_message;
  AdwComboRow     *source_row;
  AdwEntryRow     *referrer_row;
  AdwComboRow     *urgency_row;
  AdwEntryRow     *date_row;
  AdwEntryRow     *time_row;
  GtkTextView     *reason_view;
};

G_DEFINE_FINAL_TYPE (KithReferralDialog, kith_referral_dialog, ADW_TYPE_WINDOW)

enum {
  RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static char *
dup_row_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static char *
dup_reason (KithReferralDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->reason_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

/* "30/06/1941", "30-6-1941", "30.06.1941" or "1941-06-30" */
static gboolean
parse_date (const char *text,
            int        *year,
            int        *month,
            int        *day)
{
  char separator[2], again[2];
  char tail;

  if (text == NULL)
    return FALSE;
  if (sscanf (text, "%4d-%2d-%2d%c", year, month, day, &tail) == 3 && *year > 999)
    return g_date_valid_dmy (*day, *month, *year);
  if (sscanf (text, "%2d%1[/.-]%2d%1[/.-]%4d%c", day, separator, month, again, year, &tail) == 5 &&
      separator[0] == again[0] && *year > 999)
    return g_date_valid_dmy (*day, *month, *year);
  return FALSE;
}

/* "09:15", "9:15" or "9.15" */
static gboolean
parse_time (const char *text,
            int        *hour,
            int        *minute)
{
  char separator[2];
  char tail;

  return text != NULL &&
         sscanf (text, "%2d%1[:.]%2d%c", hour, separator, minute, &tail) == 3 &&
         *hour >= 0 && *hour < 24 && *minute >= 0 && *minute < 60;
}

static char *
dup_birth_date (KithReferralDialog *self,
                gboolean           *valid)
{
  g_autofree char *text = dup_row_text (self->birth_row);
  int year, month, day;

  *valid = TRUE;
  if (text == NULL)
    return NULL;
  if (!parse_date (text, &year, &month, &day))
    {
      *valid = FALSE;
      return NULL;
    }
  return g_strdup_printf ("%04d-%02d-%02d", year, month, day);
}

/* The moment received, in local time, or NULL when it does not parse */
static GDateTime *
dup_received (KithReferralDialog *self)
{
  g_autofree char *date = dup_row_text (self->date_row);
  g_autofree char *time = dup_row_text (self->time_row);
  int year, month, day, hour, minute;

  if (!parse_date (date, &year, &month, &day) || !parse_time (time, &hour, &minute))
    return NULL;
  return g_date_time_new_local (year, month, day, hour, minute, 0);
}

static void
mark_row (AdwEntryRow *row,
          gboolean     wrong)
{
  if (wrong)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static gboolean
is_new_person (KithReferralDialog *self)
{
  return gtk_check_button_get_active (self->new_check);
}

/* Checks what can be checked as it is typed, and offers "Add Referral"
 * only when it would be taken. */
static void
update_add (KithReferralDialog *self)
{
  g_autoptr(GDateTime) received = dup_received (self);
  g_autofree char *reason = dup_reason (self);
  g_autofree char *nhs = dup_row_text (self->nhs_row);
  g_autofree char *birth_date = NULL;
  g_autofree char *given = dup_row_text (self->given_row);
  g_autofree char *family = dup_row_text (self->family_row);
  g_autoptr(GError) nhs_error = NULL;
  gboolean person_ok, birth_ok, nhs_ok = TRUE;

  birth_date = dup_birth_date (self, &birth_ok);
  if (nhs != NULL)
    {
      g_autofree char *digits = kith_nhs_number_normalise (nhs, &nhs_error);

      nhs_ok = digits != NULL;
    }
  gtk_label_set_text (self->nhs_message, nhs_error ? nhs_error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->nhs_message), nhs_error != NULL);
  mark_row (self->nhs_row, !nhs_ok);
  mark_row (self->birth_row, !birth_ok);
  mark_row (self->date_row, received == NULL);
  mark_row (self->time_row, received == NULL);

  if (is_new_person (self))
    person_ok = (given != NULL || family != NULL) && birth_ok && nhs_ok;
  else
    person_ok = self->patient_id != NULL;
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), person_ok && received != NULL && reason != NULL);
}

static void
show_error (KithReferralDialog *self,
            const char         *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static GtkWidget *
create_result_row (gpointer item,
                   gpointer user_data)
{
  KithCaseloadEntry *entry = item;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_markup_escape_text (kith_caseload_entry_get_list_name (entry), -1);
  g_autofree char *born = kith_format_iso_date (kith_caseload_entry_get_birth_date (entry), KITH_DATE_STYLE_SHORT);
  const char *nhs = kith_caseload_entry_get_nhs_number (entry);
  g_autoptr(GString) subtitle = g_string_new (NULL);

  if (nhs != NULL && *nhs != '\0')
    /* Translators: an NHS number in a search result */
    g_string_append_printf (subtitle, _("NHS %s"), nhs);
  if (born != NULL)
    {
      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      /* Translators: a birth date in a search result, "born 3 Mar 1941" */
      g_string_append_printf (subtitle, _("born %s"), born);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle->len > 0)
    {
      g_autofree char *escaped = g_markup_escape_text (subtitle->str, -1);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
    }
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "patient-id",
                          g_strdup (kith_caseload_entry_get_id (entry)), g_free);
  g_object_set_data_full (G_OBJECT (row), "list-name",
                          g_strdup (kith_caseload_entry_get_list_name (entry)), g_free);
  return row;
}

static void
choose_person (KithReferralDialog *self,
               const char         *patient_id,
               const char         *list_name)
{
  g_autofree char *text = NULL;

  g_free (self->patient_id);
  self->patient_id = g_strdup (patient_id);
  if (patient_id != NULL)
    /* Translators: the person a referral is for, "Chosen: SMITH, Margaret" */
    text = g_strdup_printf (_("Chosen: %s"), list_name ? list_name : patient_id);
  gtk_label_set_text (self->chosen_label,
                      text ? text : _("No one chosen yet: search, then choose the person."));
  if (text)
    gtk_widget_remove_css_class (GTK_WIDGET (self->chosen_label), "dim-label");
  update_add (self);
}

/* Callbacks */

static void
on_person_kind_toggled_cb (KithReferralDialog *self)
{
  gboolean new_person = is_new_person (self);

  gtk_widget_set_visible (self->existing_box, !new_person);
  gtk_widget_set_visible (self->new_box, new_person);
  gtk_widget_grab_focus (new_person ? GTK_WIDGET (self->given_row) : GTK_WIDGET (self->search_entry));
  update_add (self);
}

static void
on_search_changed_cb (KithReferralDialog *self)
{
  g_autofree char *query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));

  kith_caseload_set_query (self->caseload, *query != '\0' ? query : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->results_list),
                          *query != '\0' && g_list_model_get_n_items (G_LIST_MODEL (self->caseload)) > 0);
}

static void
on_result_activated_cb (KithReferralDialog *self,
                        GtkListBoxRow      *row)
{
  choose_person (self,
                 g_object_get_data (G_OBJECT (row), "patient-id"),
                 g_object_get_data (G_OBJECT (row), "list-name"));
}

static void
on_add_clicked_cb (KithReferralDialog *self)
{
  g_autoptr(GDateTime) received = dup_received (self);
  g_autoptr(KithReferral) referral = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = dup_reason (self);
  g_autofree char *referrer = dup_row_text (self->referrer_row);
  g_autofree char *given = dup_row_text (self->given_row);
  g_autofree char *family = dup_row_text (self->family_row);
  g_autofree char *nhs = dup_row_text (self->nhs_row);
  g_autofree char *birth_date = NULL;
  gboolean birth_ok;
  KithReferralIntake intake = { 0 };

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->add_button)))
    return;   /* Enter in a field, with something still missing */

  birth_date = dup_birth_date (self, &birth_ok);
  if (is_new_person (self))
    {
      intake.given = given;
      intake.family = family;
      intake.birth_date = birth_date;
      intake.nhs_number = nhs;
    }
  else
    intake.patient_id = self->patient_id;
  intake.source = adw_combo_row_get_selected (self->source_row);
  intake.referrer = referrer;
  intake.reason = reason;
  intake.urgency = adw_combo_row_get_selected (self->urgency_row);
  intake.received = received;

  if (!(referral = kith_referral_receive (self->store, &intake, &error)))
    {
      show_error (self, error->message);
      return;
    }
  g_signal_emit (self, signals[RECEIVED], 0, referral);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Overrides */

static void
kith_referral_dialog_dispose (GObject *object)
{
  KithReferralDialog *self = KITH_REFERRAL_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_REFERRAL_DIALOG);
  g_clear_object (&self->caseload);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kith_referral_dialog_parent_class)->dispose (object);
}

static void
kith_referral_dialog_finalize (GObject *object)
{
  KithReferralDialog *self = KITH_REFERRAL_DIALOG (object);

  g_free (self->patient_id);

  G_OBJECT_CLASS (kith_referral_dialog_parent_class)->finalize (object);
}

static void
kith_referral_dialog_class_init (KithReferralDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_referral_dialog_dispose;
  object_class->finalize = kith_referral_dialog_finalize;

  /**
   * KithReferralDialog::received:
   * @referral: the referral as saved
   *
   * The referral is in the store.
   */
  signals[RECEIVED] = g_signal_new ("received",
                                    G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, KITH_TYPE_REFERRAL | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-referral-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, existing_check);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, new_check);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, existing_box);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, results_list);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, chosen_label);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, new_box);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, given_row);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, family_row);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, birth_row);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, nhs_row);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, nhs_message);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, referrer_row);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, urgency_row);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, time_row);
  gtk_widget_class_bind_template_child (widget_class, KithReferralDialog, reason_view);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_person_kind_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_result_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kith_referral_dialog_init (KithReferralDialog *self)
{
  g_autoptr(GtkStringList) sources = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) urgencies = gtk_string_list_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%d/%m/%Y");
  g_autofree char *time = g_date_time_format (now, "%H:%M");

  gtk_widget_init_template (GTK_WIDGET (self));

  for (KithReferralSource s = 0; s < KITH_REFERRAL_N_SOURCES; s++)
    gtk_string_list_append (sources, kith_referral_source_to_label (s));
  adw_combo_row_set_model (self->source_row, G_LIST_MODEL (sources));
  for (KithReferralUrgency u = 0; u < KITH_REFERRAL_N_URGENCIES; u++)
    gtk_string_list_append (urgencies, kith_referral_urgency_to_label (u));
  adw_combo_row_set_model (self->urgency_row, G_LIST_MODEL (urgencies));

  gtk_editable_set_text (GTK_EDITABLE (self->date_row), date);
  gtk_editable_set_text (GTK_EDITABLE (self->time_row), time);

  {
    AdwEntryRow *rows[] = { self->given_row, self->family_row, self->birth_row, self->nhs_row,
                            self->date_row, self->time_row };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      g_signal_connect_swapped (rows[i], "changed", G_CALLBACK (update_add), self);
  }
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->reason_view), "changed", G_CALLBACK (update_add), self);
}

KithReferralDialog *
kith_referral_dialog_new (GtkWindow  *parent,
                          KithStore  *store,
                          const char *patient_id)
{
  KithReferralDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  self = g_object_new (KITH_TYPE_REFERRAL_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);
  /* The list stays hidden until a search; only the rows shown are made. */
  self->caseload = kith_caseload_new (store);
  {
    g_autoptr(GtkSliceListModel) shown = gtk_slice_list_model_new (G_LIST_MODEL (g_object_ref (self->caseload)),
                                                                   0, MAX_RESULTS);

    gtk_list_box_bind_model (self->results_list, G_LIST_MODEL (shown), create_result_row, NULL, NULL);
  }

  if (patient_id != NULL)
    {
      g_autoptr(KithPatient) patient = kith_store_load_patient (store, patient_id, NULL);

      if (patient != NULL)
        {
          g_autofree char *name = kith_patient_dup_list_name (patient);

          choose_person (self, patient_id, name);
        }
    }
  update_add (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return self;
}

/* For the GUI tests */

GtkCheckButton *
kith_referral_dialog_get_existing_check (KithReferralDialog *self)
{
  return self->existing_check;
}

GtkCheckButton *
kith_referral_dialog_get_new_check (KithReferralDialog *self)
{
  return self->new_check;
}

GtkEditable *
kith_referral_dialog_get_search_entry (KithReferralDialog *self)
{
  return GTK_EDITABLE (self->search_entry);
}

GtkListBox *
kith_referral_dialog_get_results_list (KithReferralDialog *self)
{
  return self->results_list;
}

const char *
kith_referral_dialog_get_patient_id (KithReferralDialog *self)
{
  return self->patient_id;
}

GtkEditable *
kith_referral_dialog_get_given_row (KithReferralDialog *self)
{
  return GTK_EDITABLE (self->given_row);
}

GtkEditable *
kith_referral_dialog_get_family_row (KithReferralDialog *self)
{
  return GTK_EDITABLE (self->family_row);
}

GtkEditable *
kith_referral_dialog_get_birth_row (KithReferralDialog *self)
{
  return GTK_EDITABLE (self->birth_row);
}

GtkEditable *
kith_referral_dialog_get_nhs_row (KithReferralDialog *self)
{
  return GTK_EDITABLE (self->nhs_row);
}

GtkLabel *
kith_referral_dialog_get_nhs_message (KithReferralDialog *self)
{
  return self->nhs_message;
}

AdwComboRow *
kith_referral_dialog_get_source_row (KithReferralDialog *self)
{
  return self->source_row;
}

GtkEditable *
kith_referral_dialog_get_referrer_row (KithReferralDialog *self)
{
  return GTK_EDITABLE (self->referrer_row);
}

AdwComboRow *
kith_referral_dialog_get_urgency_row (KithReferralDialog *self)
{
  return self->urgency_row;
}

GtkEditable *
kith_referral_dialog_get_date_row (KithReferralDialog *self)
{
  return GTK_EDITABLE (self->date_row);
}

GtkEditable *
kith_referral_dialog_get_time_row (KithReferralDialog *self)
{
  return GTK_EDITABLE (self->time_row);
}

GtkTextBuffer *
kith_referral_dialog_get_reason_buffer (KithReferralDialog *self)
{
  return gtk_text_view_get_buffer (self->reason_view);
}

GtkLabel *
kith_referral_dialog_get_error_label (KithReferralDialog *self)
{
  return self->error_label;
}

GtkButton *
kith_referral_dialog_get_add_button (KithReferralDialog *self)
{
  return self->add_button;
}

/* --- triage ---------------------------------------------------------------- */

struct _KithTriageDialog
{
  AdwMessageDialog  parent_instance;

  KithStore        *store;
  KithReferral     *referral;
  KithTriageKind    kind;
  AdwEntryRow      *text_row;
  GtkPopover       *names_popover;
};

G_DEFINE_FINAL_TYPE (KithTriageDialog, kith_triage_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  TRIAGE_SAVED,
  TRIAGE_FAILED,
  N_TRIAGE_SIGNALS
};

static guint triage_signals[N_TRIAGE_SIGNALS];

static const char * const triage_responses[] = { "accept", "request", "decline" };

static void
update_triage_response (KithTriageDialog *self)
{
  g_autofree char *text = dup_row_text (self->text_row);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), triage_responses[self->kind], text != NULL);
}

static gboolean
save_triage (KithTriageDialog  *self,
             GError           **error)
{
  g_autofree char *text = dup_row_text (self->text_row);

  switch (self->kind)
    {
    case KITH_TRIAGE_ACCEPT:
      return kith_referral_accept (self->store, self->referral, text, NULL, error);
    case KITH_TRIAGE_REQUEST_INFO:
      return kith_referral_request_info (self->store, self->referral, text, NULL, error);
    case KITH_TRIAGE_DECLINE:
    default:
      return kith_referral_decline (self->store, self->referral, text, NULL, error);
    }
}

static void
on_triage_response_cb (KithTriageDialog *self,
                       const char       *response)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, triage_responses[self->kind]) != 0)
    return;
  if (save_triage (self, &error))
    g_signal_emit (self, triage_signals[TRIAGE_SAVED], 0, self->referral);
  else
    g_signal_emit (self, triage_signals[TRIAGE_FAILED], 0, error->message);
}

static void
on_name_activated_cb (KithTriageDialog *self,
                      GtkListBoxRow    *row)
{
  GtkWidget *label = gtk_list_box_row_get_child (row);

  gtk_editable_set_text (GTK_EDITABLE (self->text_row), gtk_label_get_text (GTK_LABEL (label)));
  gtk_popover_popdown (self->names_popover);
}

static void
kith_triage_dialog_finalize (GObject *object)
{
  KithTriageDialog *self = KITH_TRIAGE_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->referral, kith_referral_free);

  G_OBJECT_CLASS (kith_triage_dialog_parent_class)->finalize (object);
}

static void
kith_triage_dialog_class_init (KithTriageDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kith_triage_dialog_finalize;

  /**
   * KithTriageDialog::saved:
   * @referral: the referral as it is now
   */
  triage_signals[TRIAGE_SAVED] = g_signal_new ("saved",
                                               G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST,
                                               0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 1, KITH_TYPE_REFERRAL | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * KithTriageDialog::failed:
   * @message: why the core refused it
   */
  triage_signals[TRIAGE_FAILED] = g_signal_new ("failed",
                                                G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kith_triage_dialog_init (KithTriageDialog *self)
{
  g_signal_connect (self, "response", G_CALLBACK (on_triage_response_cb), NULL);
}

KithTriageDialog *
kith_triage_dialog_new (GtkWindow          *parent,
                        KithStore          *store,
                        const KithReferral *referral,
                        KithTriageKind      kind,
                        const char         *my_name,
                        const char * const *coordinators)
{
  KithTriageDialog *self;
  AdwMessageDialog *dialog;
  GtkListBox *list;
  const char *name = referral->person_name ? referral->person_name : _("this person");
  g_autofree char *body = NULL;
  const char *heading = NULL, *label = NULL, *row_title = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (referral != NULL, NULL);

  switch (kind)
    {
    case KITH_TRIAGE_ACCEPT:
      heading = _("Accept Referral");
      /* Translators: %s is the person, "SMITH, Margaret" */
      body = g_strdup_printf (_("The co-ordinator takes on %s, and is named as their co-ordinator in the care team."),
                              name);
      label = _("_Accept");
      row_title = _("_Co-ordinator");
      break;
    case KITH_TRIAGE_REQUEST_INFO:
      heading = _("Request Information");
      /* Translators: %s is the person, "SMITH, Margaret" */
      body = g_strdup_printf (_("The referral for %s waits, marked “Information requested”, until it comes."),
                              name);
      label = _("_Request");
      row_title = _("_Information needed");
      break;
    case KITH_TRIAGE_DECLINE:
      heading = _("Decline Referral");
      /* Translators: %s is the person, "SMITH, Margaret" */
      body = g_strdup_printf (_("The reason is kept with the referral for %s: tell the referrer, and say where "
                                "else they might turn."), name);
      label = _("_Decline");
      row_title = _("_Reason (required)");
      break;
    default:
      g_return_val_if_reached (NULL);
    }

  self = g_object_new (KITH_TYPE_TRIAGE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       "heading", heading,
                       "body", body,
                       NULL);
  dialog = ADW_MESSAGE_DIALOG (self);
  self->store = g_object_ref (store);
  self->referral = kith_referral_copy (referral);
  self->kind = kind;
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    triage_responses[kind], label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, triage_responses[kind],
                                              kind == KITH_TRIAGE_DECLINE ? ADW_RESPONSE_DESTRUCTIVE
                                                                          : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, kind == KITH_TRIAGE_DECLINE ? "cancel" : triage_responses[kind]);
  adw_message_dialog_set_close_response (dialog, "cancel");

  list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (list), "boxed-list");
  gtk_widget_set_size_request (GTK_WIDGET (list), 360, -1);
  self->text_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->text_row), row_title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->text_row), TRUE);
  adw_entry_row_set_activates_default (self->text_row, kind != KITH_TRIAGE_DECLINE);
  g_signal_connect_object (self->text_row, "changed", G_CALLBACK (update_triage_response), self,
                           G_CONNECT_SWAPPED);
  gtk_list_box_append (list, GTK_WIDGET (self->text_row));

  if (kind == KITH_TRIAGE_ACCEPT)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();

      if (my_name != NULL && *my_name != '\0')
        {
          gtk_editable_set_text (GTK_EDITABLE (self->text_row), my_name);
          g_ptr_array_add (names, (gpointer) my_name);
        }
      for (guint i = 0; coordinators && coordinators[i]; i++)
        if (g_strcmp0 (coordinators[i], my_name) != 0)
          g_ptr_array_add (names, (gpointer) coordinators[i]);

      /* Choose a co-ordinator others have been given, or type one */
      if (names->len > 0)
        {
          GtkWidget *button = gtk_menu_button_new ();
          GtkListBox *choices = GTK_LIST_BOX (gtk_list_box_new ());

          for (guint i = 0; i < names->len; i++)
            {
              GtkWidget *choice = gtk_label_new (names->pdata[i]);

              gtk_label_set_xalign (GTK_LABEL (choice), 0);
              gtk_widget_set_margin_top (choice, 6);
              gtk_widget_set_margin_bottom (choice, 6);
              gtk_widget_set_margin_start (choice, 6);
              gtk_widget_set_margin_end (choice, 6);
              gtk_list_box_append (choices, choice);
            }
          gtk_list_box_set_selection_mode (choices, GTK_SELECTION_NONE);
          g_signal_connect_object (choices, "row-activated", G_CALLBACK (on_name_activated_cb), self,
                                   G_CONNECT_SWAPPED);
          self->names_popover = GTK_POPOVER (gtk_popover_new ());
          gtk_popover_set_child (self->names_popover, GTK_WIDGET (choices));
          gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), GTK_WIDGET (self->names_popover));
          gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
          gtk_widget_set_tooltip_text (button, _("Choose a co-ordinator"));
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          adw_entry_row_add_suffix (self->text_row, button);
        }
    }

  adw_message_dialog_set_extra_child (dialog, GTK_WIDGET (list));
  update_triage_response (self);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->text_row));
  return self;
}

KithTriageKind
kith_triage_dialog_get_kind (KithTriageDialog *self)
{
  g_return_val_if_fail (KITH_IS_TRIAGE_DIALOG (self), KITH_TRIAGE_ACCEPT);

  return self->kind;
}

GtkEditable *
kith_triage_dialog_get_text_row (KithTriageDialog *self)
{
  g_return_val_if_fail (KITH_IS_TRIAGE_DIALOG (self), NULL);

  return GTK_EDITABLE (self->text_row);
}

const char *
kith_triage_dialog_get_response (KithTriageDialog *self)
{
  g_return_val_if_fail (KITH_IS_TRIAGE_DIALOG (self), NULL);

  return triage_responses[self->kind];
}
