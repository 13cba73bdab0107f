/* kith-record-page.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One person's record: open safety alerts first, then who they are and
 * how to reach them, their holistic assessment (the last one with its key
 * scores, and Start or Resume), their carers' own assessments (each after
 * the carer's consent), and honest empty states for the plan, team and
 * contacts that later issues fill in.
 */

#define G_LOG_DOMAIN "kith-record-page"

#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "kith-alert-box.h"
#include "kith-access-log-dialog.h"
#include "kith-break-glass-dialog.h"
#include "kith-contact-dialog.h"
#include "kith-corrections-dialog.h"
#include "kith-death-dialog.h"
#include "kith-experience-dialog.h"
#include "kith-progress-view.h"
#include "kith-stay-dialog.h"
#include "kith-application.h"
#include "kith-format.h"
#include "kith-record-page.h"
#include "kith-risk-dialog.h"
#include "kith-sharing-dialog.h"

struct _KithRecordPage
{
  GtkWidget          parent_instance;

  KithPatient       *patient;
  KithStore         *store;
  KithSyncClient    *sync_client;      /* for the server's audit and emergency access */
  char              *in_progress_id;   /* the person's paused assessment */
  char              *entry_tier;       /* the caseload's tier: NULL if nothing is known */
  char              *tier_in_use;      /* fit … severe, or NULL */
  gboolean           override_in_force;
  GPtrArray         *deficit_rows;     /* rows added to deficits_row */
  GPtrArray         *history_rows;     /* rows added to history_row */

  /* Template widgets */
  KithAlertBox      *alert_box;
  GtkStack          *stack;
  GtkScrolledWindow *scrolled_window;
  AdwAvatar         *avatar;
  GtkLabel          *name_label;
  GtkLabel          *preferred_name_label;
  GtkWidget         *death_box;
  GtkLabel          *death_label;
  GtkLabel          *nhs_number_label;
  GtkLabel          *birth_label;
  GtkLabel          *address_label;
  GtkLabel          *phone_label;
  GtkLabel          *practice_label;
  GtkWidget         *review_row;
  GtkLabel          *review_label;
  GtkWidget         *review_overdue_label;
  GtkWidget         *plan_empty_row;
  GtkWidget         *coordinator_row;
  GtkLabel          *coordinator_label;
  GtkWidget         *team_empty_row;
  GtkWidget         *assessment_empty_row;
  AdwActionRow      *last_assessment_row;
  AdwActionRow      *in_progress_row;
  AdwActionRow      *start_row;
  GtkWidget         *resume_button;
  GtkWidget         *start_button;
  GtkListBox        *carers_list;
  AdwPreferencesGroup *frailty_group;
  KithProgressView  *progress_view;
  AdwActionRow      *follow_up_row;
  AdwActionRow      *stay_row;
  AdwActionRow      *ward_row;
  AdwActionRow      *last_contact_row;
  AdwActionRow      *tier_row;
  AdwActionRow      *computed_row;
  AdwActionRow      *efi_row;
  GtkLabel          *efi_label;
  AdwExpanderRow    *deficits_row;
  AdwActionRow      *import_row;
  AdwExpanderRow    *history_row;
  GtkLabel          *frailty_source_label;
  AdwActionRow      *withheld_row;
  AdwActionRow      *sharing_row;
  AdwActionRow      *corrections_row;
};

G_DEFINE_FINAL_TYPE (KithRecordPage, kith_record_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PATIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ASSESSMENT_OPENED,
  ALERTS_CHANGED,
  RISK_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_empty (const char *text)
{
  return text == NULL || *text == '\0';
}

/* Shows @value, or a dimmed "Not recorded" so a gap is visibly a gap. */
static void
set_detail (GtkLabel   *label,
            const char *value)
{
  if (!is_empty (value))
    {
      gtk_label_set_text (label, value);
      gtk_label_set_selectable (label, TRUE);
      gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
    }
  else
    {
      gtk_label_set_text (label, _("Not recorded"));
      gtk_label_set_selectable (label, FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
    }
}

static KithDeath *
dup_death (KithPatient *patient)
{
  g_autoptr(JsonObject) resource = kith_patient_to_json (patient);

  return kith_end_of_life_get_death (resource);
}

static char *
dup_birth_text (KithPatient *patient)
{
  g_autofree char *date = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDate) today = NULL;
  g_autoptr(KithDeath) death = dup_death (patient);
  int age;

  if (!(date = kith_format_iso_date (kith_patient_get_birth_date (patient), KITH_DATE_STYLE_LONG)))
    return NULL;

  today = g_date_new_dmy (g_date_time_get_day_of_month (now),
                          g_date_time_get_month (now),
                          g_date_time_get_year (now));
  /* After a death, the age they reached. */
  if (death && death->died && strlen (death->died) >= 10)
    {
      g_autofree char *day = g_strndup (death->died, 10);

      g_date_set_parse (today, day);
    }
  if (!g_date_valid (today) || (age = kith_patient_get_age (patient, today)) < 0)
    return g_steal_pointer (&date);

  if (death)
    /* Translators: a date of birth and the age at death, "12 March 1938 (died aged 87)" */
    return g_strdup_printf (ngettext ("%s (died aged %d)", "%s (died aged %d)", age), date, age);
  /* Translators: a date of birth and the age now, "12 March 1938 (aged 87)" */
  return g_strdup_printf (ngettext ("%s (aged %d)", "%s (aged %d)", age), date, age);
}

/* "Died on 3 March 2026, in the place they wished", and what can be done
 * for someone who has died. */
static void
update_death (KithRecordPage *self)
{
  g_autoptr(KithDeath) death = self->patient ? dup_death (self->patient) : NULL;

  gtk_widget_set_visible (self->death_box, death != NULL);
  if (death)
    {
      g_autofree char *day = g_strndup (death->died, 10);
      g_autofree char *date = kith_format_iso_date (day, KITH_DATE_STYLE_LONG);
      g_autofree char *text = NULL;

      switch (death->place)
        {
        case KITH_PLACE_MET:
          /* Translators: the day the person died */
          text = g_strdup_printf (_("Died on %s, in the place they wished"), date ? date : death->died);
          break;
        case KITH_PLACE_NOT_MET:
          text = g_strdup_printf (_("Died on %s, not in the place they wished"), date ? date : death->died);
          break;
        case KITH_PLACE_NOT_RECORDED:
        default:
          text = g_strdup_printf (_("Died on %s"), date ? date : death->died);
          break;
        }
      gtk_label_set_text (self->death_label, text);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.record-death", self->patient && death == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.correct-death", self->patient && death != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.ask-experience", self->patient && death == NULL);
}

static void
update_details (KithRecordPage *self)
{
  KithPatient *patient = self->patient;
  g_autofree char *list_name = NULL;
  g_autofree char *spoken_name = NULL;
  g_autofree char *nhs_number = NULL;
  g_autofree char *birth = NULL;
  const char *preferred_name;

  if (patient == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  list_name = kith_patient_dup_list_name (patient);
  spoken_name = kith_patient_dup_spoken_name (patient);
  gtk_label_set_text (self->name_label, list_name);
  adw_avatar_set_text (self->avatar, spoken_name);

  preferred_name = kith_patient_get_preferred_name (patient);
  if (!is_empty (preferred_name))
    {
      g_autofree char *prefers = NULL;

      /* Translators: %s is the name the person likes to be called, "Peggy" */
      prefers = g_strdup_printf (_("Prefers to be called %s"), preferred_name);
      gtk_label_set_text (self->preferred_name_label, prefers);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->preferred_name_label), !is_empty (preferred_name));

  if (!is_empty (kith_patient_get_nhs_number (patient)))
    nhs_number = kith_nhs_number_format (kith_patient_get_nhs_number (patient));
  set_detail (self->nhs_number_label, nhs_number);

  birth = dup_birth_text (patient);
  set_detail (self->birth_label, birth);
  set_detail (self->address_label, kith_patient_get_address (patient));
  set_detail (self->phone_label, kith_patient_get_phone (patient));
  set_detail (self->practice_label, kith_patient_get_gp_practice (patient));

  update_death (self);
  gtk_stack_set_visible_child_name (self->stack, "record");
}

static void
update_from_caseload_entry (KithRecordPage    *self,
                            KithCaseloadEntry *entry)
{
  g_autofree char *review = NULL;
  const char *coordinator = NULL;

  g_clear_pointer (&self->entry_tier, g_free);
  if (entry != NULL)
    {
      review = kith_format_iso_date (kith_caseload_entry_get_next_review (entry),
                                     KITH_DATE_STYLE_LONG);
      coordinator = kith_caseload_entry_get_coordinator (entry);
      self->entry_tier = g_strdup (kith_caseload_entry_get_risk_tier (entry));
    }

  gtk_label_set_text (self->review_label, review != NULL ? review : "");
  gtk_widget_set_visible (self->review_overdue_label,
                          review != NULL && kith_caseload_entry_get_review_overdue (entry));
  gtk_widget_set_visible (self->review_row, review != NULL);
  gtk_widget_set_visible (self->plan_empty_row, review == NULL);

  gtk_label_set_text (self->coordinator_label, !is_empty (coordinator) ? coordinator : "");
  gtk_widget_set_visible (self->coordinator_row, !is_empty (coordinator));
  gtk_widget_set_visible (self->team_empty_row, is_empty (coordinator));
}

static void
report_error (KithRecordPage *self,
              const char     *message)
{
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message))
    g_warning ("%s", message);
}

static const char *
reference_of (JsonObject *resource,
              const char *member)
{
  JsonNode *node = json_object_get_member (resource, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return kith_fhir_get_string (json_node_get_object (node), "reference");
}

/* The holistic assessments filed with the person, newest first: their own
 * (subject Patient) and their carers' (subject RelatedPerson). */
typedef struct
{
  JsonObject *last_completed;   /* the person's own */
  JsonObject *in_progress;      /* the person's own */
  GHashTable *carer_in_progress;/* RelatedPerson id → assessment id */
} AssessmentHistory;

static void
assessment_history_clear (AssessmentHistory *history)
{
  g_clear_pointer (&history->last_completed, json_object_unref);
  g_clear_pointer (&history->in_progress, json_object_unref);
  g_clear_pointer (&history->carer_in_progress, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AssessmentHistory, assessment_history_clear)

static gboolean
read_assessment_history (KithRecordPage     *self,
                         AssessmentHistory  *history,
                         GError            **error)
{
  g_autoptr(GPtrArray) responses = NULL;
  g_autofree char *found = NULL;
  const char *patient_id = kith_patient_get_id (self->patient);

  history->carer_in_progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!(responses = kith_store_list_for_patient (self->store, "QuestionnaireResponse", patient_id, error)))
    return FALSE;

  for (guint i = 0; i < responses->len; i++)
    {
      JsonObject *response = responses->pdata[i];
      const char *subject = reference_of (response, "subject");
      const char *status = kith_fhir_get_string (response, "status");
      const char *carer_id;

      if (g_strcmp0 (kith_fhir_get_string (response, "questionnaire"), KITH_HOLISTIC_ASSESSMENT_URL) != 0)
        continue;

      if (kith_fhir_reference_id (subject, "Patient") != NULL)
        {
          if (g_strcmp0 (status, "completed") == 0 && history->last_completed == NULL)
            history->last_completed = json_object_ref (response);
          else if (g_strcmp0 (status, "in-progress") == 0 && history->in_progress == NULL)
            history->in_progress = json_object_ref (response);
        }
      else if ((carer_id = kith_fhir_reference_id (subject, "RelatedPerson")) != NULL &&
               g_strcmp0 (status, "in-progress") == 0 &&
               !g_hash_table_contains (history->carer_in_progress, carer_id))
        {
          g_hash_table_insert (history->carer_in_progress, g_strdup (carer_id),
                               g_strdup (kith_fhir_get_string (response, "id")));
        }
    }

  /* The core's own answer to "is one paused?", when it is the person's.
   * (It can name a carer's, filed with the person: then the list decides.) */
  if ((found = kith_assessment_find_in_progress (self->store, patient_id, NULL)) != NULL &&
      history->in_progress != NULL &&
      g_strcmp0 (found, kith_fhir_get_string (history->in_progress, "id")) != 0)
    {
      for (guint i = 0; i < responses->len; i++)
        if (g_strcmp0 (kith_fhir_get_string (responses->pdata[i], "id"), found) == 0 &&
            kith_fhir_reference_id (reference_of (responses->pdata[i], "subject"), "Patient") != NULL)
          {
            g_clear_pointer (&history->in_progress, json_object_unref);
            history->in_progress = json_object_ref (responses->pdata[i]);
          }
    }

  return TRUE;
}

/* "PHQ-9 12 · Moderate, GAD-2 1 · Negative screen": the scores with a band */
static char *
dup_key_scores (KithRecordPage *self,
                const char     *assessment_id)
{
  g_autoptr(KithAssessment) assessment = NULL;
  g_autoptr(GPtrArray) instruments = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (!(assessment = kith_assessment_open (self->store, assessment_id, &error)))
    {
      g_warning ("Could not read the last assessment: %s", error->message);
      return NULL;
    }

  instruments = kith_assessment_list_instruments (assessment);
  for (guint i = 0; i < instruments->len; i++)
    {
      g_autoptr(GPtrArray) scores = kith_assessment_score (assessment,
                                                           kith_instrument_get_id (instruments->pdata[i]));

      for (guint s = 0; s < scores->len; s++)
        {
          KithScore *score = scores->pdata[s];

          if (score->has_value && score->band_title != NULL)
            g_ptr_array_add (parts, kith_format_score (instruments->pdata[i], score, " "));
        }
    }

  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  /* Translators: the separator between scores, "PHQ-9 12 · Moderate, GAD-2 1 · Negative screen" */
  return g_strjoinv (_(", "), (char **) parts->pdata);
}

static char *
dup_progress_text (KithRecordPage *self,
                   const char     *assessment_id)
{
  g_autoptr(KithAssessment) assessment = NULL;
  guint done = 0, total = 0;

  if (!(assessment = kith_assessment_open (self->store, assessment_id, NULL)))
    return NULL;

  kith_assessment_get_progress (assessment, &done, &total);
  /* Translators: how far a paused assessment got, "12 of 20 questions answered" */
  return g_strdup_printf (ngettext ("%u of %u question answered", "%u of %u questions answered", total),
                          done, total);
}

static char *
dup_carer_name (JsonObject *carer)
{
  JsonNode *names = json_object_get_member (carer, "name");
  JsonObject *name;
  JsonNode *given;
  g_autoptr(GString) text = g_string_new (NULL);

  if (names == NULL || !JSON_NODE_HOLDS_ARRAY (names) || json_array_get_length (json_node_get_array (names)) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (names), 0)))
    return g_strdup (_("Their carer"));

  name = json_array_get_object_element (json_node_get_array (names), 0);
  if (kith_fhir_get_string (name, "text") != NULL)
    return g_strdup (kith_fhir_get_string (name, "text"));

  given = json_object_get_member (name, "given");
  if (given != NULL && JSON_NODE_HOLDS_ARRAY (given))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (given)); i++)
      {
        const char *part = json_array_get_string_element (json_node_get_array (given), i);

        if (part != NULL)
          g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", part);
      }
  if (kith_fhir_get_string (name, "family") != NULL)
    g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", kith_fhir_get_string (name, "family"));

  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : g_strdup (_("Their carer"));
}

static const char *
get_relationship (JsonObject *carer)
{
  JsonNode *relationships = json_object_get_member (carer, "relationship");
  JsonNode *codings;
  JsonObject *first;

  if (relationships == NULL || !JSON_NODE_HOLDS_ARRAY (relationships) ||
      json_array_get_length (json_node_get_array (relationships)) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (relationships), 0)))
    return NULL;

  first = json_array_get_object_element (json_node_get_array (relationships), 0);
  if (kith_fhir_get_string (first, "text") != NULL)
    return kith_fhir_get_string (first, "text");

  codings = json_object_get_member (first, "coding");
  if (codings == NULL || !JSON_NODE_HOLDS_ARRAY (codings) ||
      json_array_get_length (json_node_get_array (codings)) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (codings), 0)))
    return NULL;

  return kith_fhir_get_string (json_array_get_object_element (json_node_get_array (codings), 0), "display");
}

static void
update_carers (KithRecordPage    *self,
               AssessmentHistory *history)
{
  g_autoptr(GPtrArray) carers = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->carers_list))) != NULL)
    gtk_list_box_remove (self->carers_list, child);

  if (!(carers = kith_store_list_for_patient (self->store, "RelatedPerson",
                                              kith_patient_get_id (self->patient), &error)))
    {
      g_warning ("Could not read the person's carers: %s", error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->carers_list), FALSE);
      return;
    }

  for (guint i = 0; i < carers->len; i++)
    {
      JsonObject *carer = carers->pdata[i];
      const char *carer_id = kith_fhir_get_string (carer, "id");
      const char *relationship = get_relationship (carer);
      const char *paused = g_hash_table_lookup (history->carer_in_progress, carer_id);
      g_autofree char *name = dup_carer_name (carer);
      g_autofree char *subtitle = NULL;
      g_autofree char *button_name = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;

      if (relationship != NULL)
        /* Translators: a carer and how they are related, "Susan Smith (daughter)" */
        subtitle = g_strdup_printf (_("%s (%s). It belongs to them, and needs their consent."),
                                    name, relationship);
      else
        subtitle = g_strdup_printf (_("%s. It belongs to them, and needs their consent."), name);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Carer’s own assessment"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

      button = gtk_button_new_with_label (paused != NULL ? _("Resume") : _("Start…"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      /* Translators: the carer's assessment button, for a screen reader */
      button_name = g_strdup_printf (paused != NULL ? _("Resume %s’s own assessment")
                                                    : _("Start %s’s own assessment"),
                                     name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      button_name, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "patient.carer-assessment");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", carer_id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->carers_list, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->carers_list), carers->len > 0);
}

static void
update_assessments (KithRecordPage *self)
{
  g_auto(AssessmentHistory) history = { NULL };
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->in_progress_id, g_free);

  if (self->patient == NULL || self->store == NULL)
    {
      gtk_widget_set_visible (self->assessment_empty_row, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->last_assessment_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->in_progress_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->start_row), self->store != NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->carers_list), FALSE);
      return;
    }

  if (!read_assessment_history (self, &history, &error))
    {
      g_warning ("Could not read the person's assessments: %s", error->message);
      history.carer_in_progress = history.carer_in_progress
                                  ? history.carer_in_progress
                                  : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    }

  if (history.last_completed != NULL)
    {
      g_autofree char *date = kith_format_iso_date (kith_fhir_get_last_updated (history.last_completed),
                                                    KITH_DATE_STYLE_LONG);
      g_autofree char *title = NULL;
      g_autofree char *scores = dup_key_scores (self, kith_fhir_get_string (history.last_completed, "id"));

      /* Translators: the date the last holistic assessment was completed */
      title = g_strdup_printf (_("Last assessment, completed %s"), date != NULL ? date : "");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->last_assessment_row), title);
      adw_action_row_set_subtitle (self->last_assessment_row,
                                   scores != NULL ? scores : _("No scores recorded"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->last_assessment_row), history.last_completed != NULL);

  if (history.in_progress != NULL)
    {
      g_autofree char *date = kith_format_iso_date (kith_fhir_get_string (history.in_progress, "authored"),
                                                    KITH_DATE_STYLE_LONG);
      g_autofree char *progress = NULL;
      g_autofree char *subtitle = NULL;

      self->in_progress_id = g_strdup (kith_fhir_get_string (history.in_progress, "id"));
      progress = dup_progress_text (self, self->in_progress_id);
      /* Translators: a paused assessment, "Started 3 March 2026 · 12 of 20 questions answered" */
      subtitle = g_strdup_printf (_("Started %s · %s"), date != NULL ? date : "", progress != NULL ? progress : "");
      adw_action_row_set_subtitle (self->in_progress_row, subtitle);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->in_progress_row), history.in_progress != NULL);

  adw_action_row_set_subtitle (self->start_row,
                               history.last_completed != NULL
                               ? _("Answers from the last assessment are carried over for the person to "
                                   "confirm, so nothing is asked twice.")
                               : _("About them, their health, daily life, feelings, practical help, "
                                   "their carer, and what to do in a crisis."));
  gtk_widget_set_visible (GTK_WIDGET (self->start_row), history.in_progress == NULL);

  gtk_widget_set_visible (self->assessment_empty_row,
                          history.last_completed == NULL && history.in_progress == NULL);

  update_carers (self, &history);
}

/* --- frailty and risk --------------------------------------------------- */

static void
clear_added_rows (AdwExpanderRow *expander,
                  GPtrArray      *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_expander_row_remove (expander, rows->pdata[i]);
  g_ptr_array_set_size (rows, 0);
}

static GtkWidget *
add_expander_row (AdwExpanderRow *expander,
                  GPtrArray      *rows,
                  const char     *title,
                  const char     *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  if (subtitle != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
    }
  adw_expander_row_add_row (expander, row);
  g_ptr_array_add (rows, row);
  return row;
}

/* "Dr Shah, 5 Dec 2026", and the reason after a colon when there is one */
static char *
dup_who_when (const KithRiskEntry *entry,
              gboolean             with_reason)
{
  g_autofree char *date = kith_format_iso_date (entry->when, KITH_DATE_STYLE_SHORT);
  const char *who = entry->who != NULL ? entry->who : _("Someone not named");

  if (with_reason && entry->reason != NULL && *entry->reason != '\0')
    /* Translators: who recorded a risk tier, when, and why: "Dr Shah, 5 Dec 2026: two falls" */
    return g_strdup_printf (_("%s, %s: %s"), who, date != NULL ? date : "", entry->reason);

  /* Translators: who recorded a risk score and when: "Dr Shah, 5 Dec 2026" */
  return g_strdup_printf (_("%s, %s"), who, date != NULL ? date : "");
}

static void
add_tag (GtkWidget  *row,
         const char *text)
{
  GtkWidget *tag = gtk_label_new (text);

  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (tag, "tag");
  gtk_widget_add_css_class (tag, "caption");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
}

static void
update_risk_history (KithRecordPage *self,
                     GPtrArray      *entries)
{
  const KithRiskEntry *latest_import = NULL;

  clear_added_rows (self->history_row, self->history_rows);

  for (guint i = 0; i < entries->len; i++)
    {
      const KithRiskEntry *entry = entries->pdata[i];
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (g_strcmp0 (entry->method, "clinician-override") == 0)
        {
          const char *tier = kith_format_risk_tier (entry->tier);

          /* Translators: a tier set by a clinician, "Severe frailty · clinician’s judgement" */
          title = g_strdup_printf (_("%s · clinician’s judgement"), tier != NULL ? tier : _("Unknown tier"));
          subtitle = dup_who_when (entry, TRUE);
          row = add_expander_row (self->history_row, self->history_rows, title, subtitle);
          if (entry->withdrawn)
            add_tag (row, _("Withdrawn"));
          else
            add_tag (row, _("In use"));
        }
      else if (g_strcmp0 (entry->method, "override-withdrawn") == 0)
        {
          subtitle = dup_who_when (entry, TRUE);
          add_expander_row (self->history_row, self->history_rows,
                            _("Back to the computed tier"), subtitle);
        }
      else
        {
          /* Translators: a score from another tool: "Practice risk tool 2.1 · score 0.34" */
          title = g_strdup_printf (_("%s %s · score %s"),
                                   entry->tool != NULL ? entry->tool : _("Another tool"),
                                   entry->tool_version != NULL ? entry->tool_version : "",
                                   entry->score != NULL ? entry->score : "");
          subtitle = dup_who_when (entry, FALSE);
          add_expander_row (self->history_row, self->history_rows, title, subtitle);
          if (latest_import == NULL)
            latest_import = entry;
        }
    }

  if (entries->len == 0)
    adw_expander_row_set_subtitle (self->history_row, _("No tier changed and no score recorded"));
  else
    {
      g_autofree char *count = g_strdup_printf (ngettext ("%u entry", "%u entries", entries->len),
                                                entries->len);

      adw_expander_row_set_subtitle (self->history_row, count);
    }
  adw_expander_row_set_enable_expansion (self->history_row, entries->len > 0);

  if (latest_import != NULL)
    {
      g_autofree char *who_when = dup_who_when (latest_import, FALSE);
      /* Translators: the newest imported score, "Practice risk tool 2.1: 0.34 (Dr Shah, 5 Dec 2026)" */
      g_autofree char *subtitle = g_strdup_printf (_("Latest: %s %s: %s (%s)"),
                                                   latest_import->tool != NULL ? latest_import->tool : "",
                                                   latest_import->tool_version != NULL ? latest_import->tool_version : "",
                                                   latest_import->score != NULL ? latest_import->score : "",
                                                   who_when);

      adw_action_row_set_subtitle (self->import_row, subtitle);
    }
  else
    adw_action_row_set_subtitle (self->import_row, _("None recorded. Kith needs none."));
}

/* The electronic frailty index with what found each deficit, the tier in
 * use (a clinician's, or the computed one), and the history. */
static void
update_frailty (KithRecordPage *self)
{
  g_autoptr(KithFrailtyIndex) frailty = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  const KithRiskEntry *in_force = NULL;
  const char *computed_label;
  g_autofree char *efi = NULL;
  g_autofree char *index = NULL;
  g_autofree char *deficits = NULL;
  gboolean known;

  g_clear_pointer (&self->tier_in_use, g_free);
  self->override_in_force = FALSE;
  clear_added_rows (self->deficits_row, self->deficit_rows);

  if (self->patient == NULL || self->store == NULL)
    return;

  if (!(frailty = kith_frailty_compute (self->store, kith_patient_get_id (self->patient), &error)) ||
      !(entries = kith_risk_list (self->store, kith_patient_get_id (self->patient), &error)))
    {
      g_warning ("Could not read the person's frailty and risk: %s", error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->frailty_group), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->frailty_group), TRUE);

  for (guint i = 0; i < entries->len && in_force == NULL; i++)
    {
      const KithRiskEntry *entry = entries->pdata[i];

      if (g_strcmp0 (entry->method, "clinician-override") == 0 && !entry->withdrawn &&
          kith_format_risk_tier (entry->tier) != NULL)
        in_force = entry;
    }

  /* "0.31 · Moderate frailty · 11 of 36 deficits" */
  computed_label = kith_frailty_band_label (frailty->band);
  index = g_strdup_printf ("%.2f", frailty->index);
  deficits = g_strdup_printf (ngettext ("%u of %u deficit", "%u of %u deficits", frailty->denominator),
                              frailty->n_deficits, frailty->denominator);
  /* Translators: the frailty index, its band and its deficits, "0.31 · Moderate frailty · 11 of 36 deficits" */
  efi = g_strdup_printf (_("%s · %s · %s"), index, computed_label, deficits);
  gtk_label_set_text (self->efi_label, efi);

  for (guint i = 0; i < frailty->deficits->len; i++)
    {
      const KithFrailtyDeficit *deficit = frailty->deficits->pdata[i];
      g_autofree char *found = NULL;

      if (deficit->evidence != NULL)
        /* Translators: what in the record found a frailty deficit */
        /* TRANSLATORS: %s is "“Stroke” on the problem list" or "6 current medicines" */
        found = g_strdup_printf (_("From %s"), deficit->evidence);
      add_expander_row (self->deficits_row, self->deficit_rows, deficit->name, found);
    }
  adw_expander_row_set_subtitle (self->deficits_row,
                                 frailty->n_deficits > 0 ? deficits : _("None found in the record"));
  adw_expander_row_set_enable_expansion (self->deficits_row, frailty->deficits->len > 0);
  gtk_label_set_text (self->frailty_source_label, kith_frailty_source ());

  /* Nothing recorded to compute from is "not known", not "fit". */
  known = frailty->n_deficits > 0 || self->entry_tier != NULL;
  if (in_force != NULL)
    {
      g_autofree char *who_when = dup_who_when (in_force, TRUE);
      g_autofree char *text = NULL;
      g_autofree char *computed = NULL;

      /* Translators: a tier set by a clinician, "Severe frailty (clinician’s judgement, Dr Shah, 5 Dec 2026: two falls)" */
      text = g_strdup_printf (_("%s (clinician’s judgement, %s)"), kith_format_risk_tier (in_force->tier), who_when);
      adw_action_row_set_subtitle (self->tier_row, text);
      self->tier_in_use = g_strdup (in_force->tier);
      self->override_in_force = TRUE;

      adw_action_row_set_subtitle (self->computed_row,
                                   known ? computed_label : _("Not known: no conditions or medicines are recorded"));
    }
  else if (known)
    {
      g_autofree char *text = NULL;

      /* Translators: the tier computed from the record, "Moderate frailty (from the frailty index)" */
      text = g_strdup_printf (_("%s (from the frailty index)"), computed_label);
      adw_action_row_set_subtitle (self->tier_row, text);
      self->tier_in_use = g_strdup (kith_frailty_band_id (frailty->band));
    }
  else
    adw_action_row_set_subtitle (self->tier_row, _("Not known: no conditions or medicines are recorded"));

  gtk_widget_set_visible (GTK_WIDGET (self->computed_row), self->override_in_force);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.use-computed-tier", self->override_in_force);

  update_risk_history (self, entries);
}

static void
on_risk_dialog_saved_cb (KithRecordPage *self)
{
  update_frailty (self);
  g_signal_emit (self, signals[RISK_CHANGED], 0);
}

static void
open_risk_dialog (KithRecordPage     *self,
                  KithRiskDialogKind  kind)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (self->patient == NULL || self->store == NULL)
    return;

  dialog = kith_risk_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->store,
                                 kith_patient_get_id (self->patient), kind, self->tier_in_use);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_risk_dialog_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}


/* --- contacts and hospital ---------------------------------------------------- */

/* "Home visit, 3 Dec 2026, Tunde Afolabi: notes…" */
static char *
describe_contact (KithContactEntry *contact)
{
  g_autofree char *day = g_strndup (contact->when ? contact->when : "", 10);
  g_autofree char *date = kith_format_iso_date (day, KITH_DATE_STYLE_SHORT);
  g_autofree char *who = contact->participants ? g_strjoinv (", ", contact->participants) : g_strdup ("");
  GString *text = g_string_new (NULL);

  /* Translators: a contact: its kind, its date and who was there */
  g_string_printf (text, _("%s on %s · %s"), kith_contact_kind_to_label (contact->kind),
                   date ? date : day, who);
  if (contact->notes && *contact->notes)
    g_string_append_printf (text, "\n%s", contact->notes);
  return g_string_free (text, FALSE);
}

static void
update_contacts (KithRecordPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GPtrArray) stays = NULL;
  g_autoptr(KithWardStay) ward = NULL;
  KithContactEntry *last = NULL;
  KithHospitalStay *latest = NULL;
  const char *id;

  gtk_widget_set_visible (GTK_WIDGET (self->follow_up_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->stay_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->ward_row), FALSE);
  adw_action_row_set_subtitle (self->last_contact_row, _("None recorded"));
  if (self->patient == NULL || self->store == NULL)
    return;
  id = kith_patient_get_id (self->patient);

  if (!(contacts = kith_store_list_contacts (self->store, id, &error)) ||
      !(stays = kith_store_list_hospital_stays (self->store, id, &error)))
    {
      g_warning ("Could not read the contacts: %s", error->message);
      return;
    }
  ward = kith_virtual_ward_get_stay (self->store, id, NULL);

  for (guint i = 0; i < contacts->len && last == NULL; i++)
    if (!((KithContactEntry *) contacts->pdata[i])->planned)
      last = contacts->pdata[i];
  if (last)
    {
      g_autofree char *text = describe_contact (last);

      adw_action_row_set_subtitle (self->last_contact_row, text);
    }

  if (stays->len > 0)
    latest = stays->pdata[0];
  if (latest && latest->discharged == NULL)
    {
      g_autofree char *date = kith_format_iso_date (latest->admitted, KITH_DATE_STYLE_LONG);
      /* Translators: a hospital stay: the day of admission and the hospital */
      g_autofree char *text = g_strdup_printf (_("In hospital since %s, %s"), date ? date : _("a date not known"),
                                               latest->hospital ? latest->hospital : "");

      adw_action_row_set_subtitle (self->stay_row, text);
      gtk_widget_set_visible (GTK_WIDGET (self->stay_row), TRUE);
    }
  else if (latest)
    {
      g_autofree char *date = kith_format_iso_date (latest->discharged, KITH_DATE_STYLE_LONG);
      /* Translators: the day of the last discharge from hospital */
      g_autofree char *text = g_strdup_printf (_("Last discharged on %s"), date);
      gboolean seen = last != NULL && last->when != NULL && strncmp (last->when, latest->discharged, 10) >= 0;

      adw_action_row_set_subtitle (self->stay_row, text);
      gtk_widget_set_visible (GTK_WIDGET (self->stay_row), TRUE);
      if (!seen)
        {
          adw_action_row_set_subtitle (self->follow_up_row,
                                       _("No contact since the discharge: a call or a visit is due"));
          gtk_widget_set_visible (GTK_WIDGET (self->follow_up_row), TRUE);
        }
    }

  if (ward)
    {
      g_autofree char *date = kith_format_iso_date (ward->admitted, KITH_DATE_STYLE_LONG);
      /* Translators: the day the person was admitted to the virtual ward */
      g_autofree char *text = g_strdup_printf (_("Since %s"), date);

      adw_action_row_set_subtitle (self->ward_row, text);
      gtk_widget_set_visible (GTK_WIDGET (self->ward_row), TRUE);
    }
}

/* The view reads its charts again when it is given another person; for
 * the same person (after an assessment), it is asked to. */
static void
update_progress (KithRecordPage *self)
{
  KithStore *store = self->patient != NULL ? self->store : NULL;
  const char *id = self->patient != NULL ? kith_patient_get_id (self->patient) : NULL;
  g_autoptr(KithStore) shown_store = NULL;
  g_autofree char *shown_id = NULL;

  g_object_get (self->progress_view, "store", &shown_store, "patient-id", &shown_id, NULL);
  if (shown_store == store && g_strcmp0 (shown_id, id) == 0)
    kith_progress_view_reload (self->progress_view);
  else
    g_object_set (self->progress_view, "store", store, "patient-id", id, NULL);
}

/* What the dialogs saved shows here and in the caseload's columns. */
static void
on_contact_saved_cb (KithRecordPage *self)
{
  update_contacts (self);
  g_signal_emit (self, signals[RISK_CHANGED], 0);
}

static void
present_contact_dialog (KithRecordPage *self,
                        GtkWidget      *dialog)
{
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_contact_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWindow *
parent_window (KithRecordPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
patient_log_contact_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  KithRecordPage *self = KITH_RECORD_PAGE (widget);
  g_autofree char *me = kith_dup_professional_name ();

  if (self->patient == NULL || self->store == NULL)
    return;
  present_contact_dialog (self, kith_contact_dialog_new (parent_window (self), self->store,
                                                         kith_patient_get_id (self->patient), me));
}

static void
patient_plan_visit_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  KithRecordPage *self = KITH_RECORD_PAGE (widget);
  g_autofree char *me = kith_dup_professional_name ();

  if (self->patient == NULL || self->store == NULL)
    return;
  present_contact_dialog (self, kith_contact_dialog_new_plan (parent_window (self), self->store,
                                                              kith_patient_get_id (self->patient), me, NULL));
}

static void
patient_hospital_stay_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  KithRecordPage *self = KITH_RECORD_PAGE (widget);
  g_autofree char *me = kith_dup_professional_name ();

  if (self->patient == NULL || self->store == NULL)
    return;
  present_contact_dialog (self, kith_stay_dialog_new (parent_window (self), self->store,
                                                      kith_patient_get_id (self->patient),
                                                      KITH_STAY_DIALOG_AUTO, me));
}

/* After a death is recorded: the record shows it, and the caseload's
 * columns (no review due, no actions) follow. */
static void
on_death_saved_cb (KithRecordPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(KithCaseloadEntry) entry = NULL;

  if (self->patient == NULL || self->store == NULL)
    return;
  if (!(patient = kith_store_load_patient (self->store, kith_patient_get_id (self->patient), &error)) ||
      !(entry = kith_caseload_entry_load (self->store, kith_patient_get_id (self->patient), &error)))
    {
      report_error (self, error->message);
      return;
    }
  kith_record_page_set_person (self, patient, entry);
  g_signal_emit (self, signals[RISK_CHANGED], 0);
}

static void
open_death_dialog (KithRecordPage *self)
{
  g_autofree char *me = kith_dup_professional_name ();
  GtkWidget *dialog;

  if (self->patient == NULL || self->store == NULL)
    return;
  dialog = kith_death_dialog_new (parent_window (self), self->store, kith_patient_get_id (self->patient), me);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_death_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
patient_record_death_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  open_death_dialog (KITH_RECORD_PAGE (widget));
}

static void
on_experience_saved_cb (KithRecordPage *self)
{
  report_error (self, _("Their answers were saved"));
  /* A saved edit, to send with the next sync. */
  g_signal_emit (self, signals[RISK_CHANGED], 0);
}

static void
on_experience_mode_response_cb (AdwMessageDialog *chooser,
                                const char       *response,
                                KithRecordPage   *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  g_autofree char *me = NULL;
  GtkWidget *dialog;

  if ((g_strcmp0 (response, "screen") != 0 && g_strcmp0 (response, "paper") != 0) ||
      self->patient == NULL || self->store == NULL)
    return;
  /* The plan reviewed, if there is one. */
  if (!(plan = kith_care_plan_load_current (self->store, kith_patient_get_id (self->patient), &error)) && error)
    {
      report_error (self, error->message);
      return;
    }
  me = kith_dup_professional_name ();
  dialog = kith_experience_dialog_new (parent_window (self), self->store, kith_patient_get_id (self->patient),
                                       plan ? kith_care_plan_get_id (plan) : NULL,
                                       g_str_equal (response, "screen") ? KITH_EXPERIENCE_SHARED_SCREEN
                                                                        : KITH_EXPERIENCE_FROM_PAPER,
                                       me);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_experience_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
patient_ask_experience_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  KithRecordPage *self = KITH_RECORD_PAGE (widget);
  GtkWidget *chooser;

  if (self->patient == NULL || self->store == NULL)
    return;
  chooser = adw_message_dialog_new (parent_window (self), _("Ask About Their Experience"),
                                    _("Five statements about their care and the three collaboRATE questions. "
                                      "They can answer on this screen, with nothing else of the record in view, "
                                      "or you can type in the answers from their paper form."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (chooser),
                                    "cancel", _("_Cancel"),
                                    "paper", _("From _Paper"),
                                    "screen", _("On _This Screen"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (chooser), "screen", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (chooser), "screen");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (chooser), "cancel");
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_experience_mode_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (chooser));
}

static void
patient_change_tier_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  open_risk_dialog (KITH_RECORD_PAGE (widget), KITH_RISK_DIALOG_CHANGE_TIER);
}

static void
patient_use_computed_tier_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  open_risk_dialog (KITH_RECORD_PAGE (widget), KITH_RISK_DIALOG_USE_COMPUTED);
}

static void
patient_import_risk_score_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  open_risk_dialog (KITH_RECORD_PAGE (widget), KITH_RISK_DIALOG_IMPORT_SCORE);
}

static void
open_assessment (KithRecordPage *self,
                 KithAssessment *assessment)
{
  g_signal_emit (self, signals[ASSESSMENT_OPENED], 0, assessment);
}

static void
patient_start_assessment_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  KithRecordPage *self = KITH_RECORD_PAGE (widget);
  g_autoptr(KithAssessment) assessment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *author = kith_dup_professional_name ();

  if (self->patient == NULL || self->store == NULL)
    return;

  if (!(assessment = kith_assessment_start (self->store, kith_patient_get_id (self->patient),
                                            author, &error)))
    {
      report_error (self, error->message);
      return;
    }

  update_assessments (self);
  open_assessment (self, assessment);
}

static void
patient_resume_assessment_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  KithRecordPage *self = KITH_RECORD_PAGE (widget);
  g_autoptr(KithAssessment) assessment = NULL;
  g_autoptr(GError) error = NULL;

  if (self->in_progress_id == NULL || self->store == NULL)
    return;

  if (!(assessment = kith_assessment_open (self->store, self->in_progress_id, &error)))
    {
      report_error (self, error->message);
      return;
    }

  open_assessment (self, assessment);
}

typedef struct
{
  KithRecordPage *page;
  char           *carer_id;
  GtkWidget      *consent_check;
  GtkWidget      *share_check;
} CarerConsent;

static void
carer_consent_free (CarerConsent *consent)
{
  g_clear_object (&consent->page);
  g_free (consent->carer_id);
  g_free (consent);
}

static void
on_consent_check_toggled_cb (GtkCheckButton   *check,
                             AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "start", gtk_check_button_get_active (check));
}

static void
on_consent_dialog_response_cb (AdwMessageDialog *dialog,
                               const char       *response,
                               CarerConsent     *consent)
{
  KithRecordPage *self = consent->page;
  g_autoptr(KithAssessment) assessment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *author = NULL;

  if (g_strcmp0 (response, "start") != 0 || self->store == NULL)
    return;

  author = kith_dup_professional_name ();
  /* The core records the consent; it refuses without it. */
  if (!(assessment = kith_assessment_start_for_carer (self->store, consent->carer_id, author,
                                                      gtk_check_button_get_active (GTK_CHECK_BUTTON (consent->consent_check)),
                                                      gtk_check_button_get_active (GTK_CHECK_BUTTON (consent->share_check)),
                                                      &error)))
    {
      report_error (self, error->message);
      return;
    }

  update_assessments (self);
  open_assessment (self, assessment);
}

static void
ask_carer_consent (KithRecordPage *self,
                   const char     *carer_id)
{
  g_autoptr(JsonObject) carer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *carer_name = NULL;
  g_autofree char *person_name = kith_patient_dup_spoken_name (self->patient);
  g_autofree char *body = NULL;
  g_autofree char *consent_text = NULL;
  g_autofree char *share_text = NULL;
  CarerConsent *consent;
  GtkWidget *dialog, *box;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!(carer = kith_store_read_resource (self->store, "RelatedPerson", carer_id, &error)))
    {
      report_error (self, error->message);
      return;
    }
  carer_name = dup_carer_name (carer);

  /* Translators: %s is the carer's name */
  body = g_strdup_printf (_("This assessment is about %s’s own needs as a carer, and it belongs to them. "
                            "Ask them before you start."),
                          carer_name);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Carer’s Own Assessment"), body);

  consent = g_new0 (CarerConsent, 1);
  consent->page = g_object_ref (self);
  consent->carer_id = g_strdup (carer_id);

  /* Translators: %s is the carer's name */
  consent_text = g_strdup_printf (_("%s agrees to an assessment of their own needs"), carer_name);
  /* Translators: the first %s is the carer's name, the second the person cared for */
  share_text = g_strdup_printf (_("%s agrees to share it with %s’s care team"), carer_name, person_name);
  box = g_object_new (GTK_TYPE_BOX, "orientation", GTK_ORIENTATION_VERTICAL, "spacing", 6, NULL);
  consent->consent_check = gtk_check_button_new_with_label (consent_text);
  consent->share_check = gtk_check_button_new_with_label (share_text);
  gtk_box_append (GTK_BOX (box), consent->consent_check);
  gtk_box_append (GTK_BOX (box), consent->share_check);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "start", _("_Start Assessment"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "start",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "start", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  g_signal_connect (consent->consent_check, "toggled", G_CALLBACK (on_consent_check_toggled_cb), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_consent_dialog_response_cb),
                         consent, (GClosureNotify) carer_consent_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
patient_carer_assessment_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  KithRecordPage *self = KITH_RECORD_PAGE (widget);
  const char *carer_id = g_variant_get_string (parameter, NULL);
  g_auto(AssessmentHistory) history = { NULL };
  const char *paused;

  if (self->patient == NULL || self->store == NULL)
    return;

  /* A paused carer's assessment is theirs already: consent was given. */
  if (read_assessment_history (self, &history, NULL) &&
      (paused = g_hash_table_lookup (history.carer_in_progress, carer_id)) != NULL)
    {
      g_autoptr(KithAssessment) assessment = NULL;
      g_autoptr(GError) error = NULL;

      if (!(assessment = kith_assessment_open (self->store, paused, &error)))
        report_error (self, error->message);
      else
        open_assessment (self, assessment);
      return;
    }

  ask_carer_consent (self, carer_id);
}

static void
on_alert_box_changed_cb (KithRecordPage *self)
{
  g_signal_emit (self, signals[ALERTS_CHANGED], 0);
}

/* Sharing and corrections */

static void
update_governance (KithRecordPage *self)
{
  g_autoptr(KithConsent) consent = NULL;
  g_autoptr(GPtrArray) corrections = NULL;
  g_autoptr(GPtrArray) withheld = NULL;
  g_autofree char *sharing = NULL;
  g_autofree char *asked = NULL;
  const char *patient_id = self->patient ? kith_patient_get_id (self->patient) : NULL;
  gboolean have = patient_id != NULL && self->store != NULL;
  guint open = 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.sharing", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.corrections", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.access-log", have && self->sync_client != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.break-glass", have && self->sync_client != NULL);
  if (!have)
    return;

  if ((consent = kith_sharing_load (self->store, patient_id, NULL)) != NULL)
    {
      g_autofree char *when = kith_format_instant (consent->date_time);

      sharing = consent->rules->len == 0 && consent->share_by_default
        ? g_strdup_printf (_("Kith’s usual rule, agreed %s"), when)
        /* Translators: "2 choices of their own, recorded 3 March 2026 at 10:00 by Bethan Hughes" */
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u choice of their own, recorded %s by %s",
                                        "%u choices of their own, recorded %s by %s", consent->rules->len),
                           consent->rules->len, when, consent->recorded_by ? consent->recorded_by : _("someone"));
    }
  adw_action_row_set_subtitle (self->sharing_row,
                               sharing ? sharing : _("None recorded: their care team sees the record, and "
                                                     "the sensitive parts only their GP and named co-ordinator"));

  if ((corrections = kith_correction_list (self->store, patient_id, NULL)) != NULL)
    for (guint i = 0; i < corrections->len; i++)
      if (((KithCorrection *) corrections->pdata[i])->state == KITH_CORRECTION_REQUESTED)
        open++;
  if (corrections == NULL || corrections->len == 0)
    asked = g_strdup (_("None asked for"));
  else if (open > 0)
    asked = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u request waiting for an answer",
                                          "%u requests waiting for an answer", open), open);
  else
    asked = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u request, answered", "%u requests, all answered",
                                          corrections->len), corrections->len);
  adw_action_row_set_subtitle (self->corrections_row, asked);

  if ((withheld = kith_store_list_withheld (self->store, patient_id, NULL)) != NULL && withheld->len > 0)
    {
      g_autofree char *text = kith_sharing_describe_withheld (withheld);

      adw_action_row_set_subtitle (self->withheld_row, text);
      gtk_widget_set_visible (GTK_WIDGET (self->withheld_row), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->withheld_row), FALSE);
}

/* The sharing choices or a correction saved: the group shows it, and the
 * edit goes with the next sync. */
static void
on_governance_edited_cb (KithRecordPage *self)
{
  update_governance (self);
  g_signal_emit (self, signals[RISK_CHANGED], 0);
}

static char *
dup_person_name (KithRecordPage *self)
{
  return self->patient ? kith_patient_dup_spoken_name (self->patient) : NULL;
}

static void
patient_sharing_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  KithRecordPage *self = KITH_RECORD_PAGE (widget);
  g_autofree char *me = kith_dup_professional_name ();
  GtkWidget *dialog;

  if (self->patient == NULL || self->store == NULL)
    return;
  dialog = kith_sharing_dialog_new (parent_window (self), self->store, kith_patient_get_id (self->patient), me);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_governance_edited_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
patient_corrections_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  KithRecordPage *self = KITH_RECORD_PAGE (widget);
  g_autofree char *me = kith_dup_professional_name ();
  GtkWidget *dialog;

  if (self->patient == NULL || self->store == NULL)
    return;
  dialog = kith_corrections_dialog_new (parent_window (self), self->store, kith_patient_get_id (self->patient), me);
  g_signal_connect_object (dialog, "changed", G_CALLBACK (on_governance_edited_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
patient_access_log_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  KithRecordPage *self = KITH_RECORD_PAGE (widget);
  g_autofree char *name = dup_person_name (self);

  if (self->patient == NULL || self->sync_client == NULL)
    return;
  gtk_window_present (GTK_WINDOW (kith_access_log_dialog_new (parent_window (self), self->sync_client,
                                                              kith_patient_get_id (self->patient), name)));
}

static void
on_break_glass_granted_cb (KithRecordPage *self)
{
  report_error (self, _("Emergency access granted: the record comes with the next sync"));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.sync-now", NULL);
}

static void
patient_break_glass_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  KithRecordPage *self = KITH_RECORD_PAGE (widget);
  g_autofree char *name = dup_person_name (self);
  GtkWidget *dialog;

  if (self->patient == NULL || self->sync_client == NULL)
    return;
  dialog = kith_break_glass_dialog_new (parent_window (self), self->sync_client, kith_patient_get_id (self->patient),
                                        name);
  g_signal_connect_object (dialog, "granted", G_CALLBACK (on_break_glass_granted_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
kith_record_page_dispose (GObject *object)
{
  KithRecordPage *self = KITH_RECORD_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_RECORD_PAGE);
  g_clear_object (&self->patient);
  g_clear_object (&self->store);
  g_clear_object (&self->sync_client);
  g_clear_pointer (&self->in_progress_id, g_free);
  g_clear_pointer (&self->entry_tier, g_free);
  g_clear_pointer (&self->tier_in_use, g_free);
  g_clear_pointer (&self->deficit_rows, g_ptr_array_unref);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_record_page_parent_class)->dispose (object);
}

static void
kith_record_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KithRecordPage *self = KITH_RECORD_PAGE (object);

  switch (prop_id)
    {
    case PROP_PATIENT:
      g_value_set_object (value, self->patient);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_record_page_class_init (KithRecordPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_record_page_dispose;
  object_class->get_property = kith_record_page_get_property;

  properties[PROP_PATIENT] =
    g_param_spec_object ("patient", NULL, NULL,
                         KITH_TYPE_PATIENT,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KithRecordPage::assessment-opened:
   * @assessment: a KithAssessment, just started or reopened
   *
   * The professional started or resumed an assessment: show it.
   */
  signals[ASSESSMENT_OPENED] = g_signal_new ("assessment-opened",
                                             G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, KITH_TYPE_ASSESSMENT);

  /**
   * KithRecordPage::alerts-changed:
   *
   * A safety alert was closed with a recorded action.
   */
  signals[ALERTS_CHANGED] = g_signal_new ("alerts-changed",
                                          G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);

  /**
   * KithRecordPage::risk-changed:
   *
   * The person's risk tier was changed or a score recorded.
   */
  signals[RISK_CHANGED] = g_signal_new ("risk-changed",
                                        G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);

  g_type_ensure (KITH_TYPE_ALERT_BOX);
  g_type_ensure (KITH_TYPE_PROGRESS_VIEW);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-record-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, avatar);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, preferred_name_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, death_box);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, death_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, nhs_number_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, birth_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, address_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, phone_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, practice_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, review_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, review_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, review_overdue_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, plan_empty_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, coordinator_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, coordinator_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, team_empty_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, alert_box);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, assessment_empty_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, last_assessment_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, in_progress_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, start_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, resume_button);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, carers_list);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, frailty_group);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, progress_view);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, follow_up_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, stay_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, ward_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, last_contact_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, tier_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, computed_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, efi_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, efi_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, deficits_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, import_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, history_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, frailty_source_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, withheld_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, sharing_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, corrections_row);
  gtk_widget_class_bind_template_callback (widget_class, on_alert_box_changed_cb);

  gtk_widget_class_install_action (widget_class, "patient.start-assessment", NULL,
                                   patient_start_assessment_action);
  gtk_widget_class_install_action (widget_class, "patient.resume-assessment", NULL,
                                   patient_resume_assessment_action);
  gtk_widget_class_install_action (widget_class, "patient.carer-assessment", "s",
                                   patient_carer_assessment_action);
  gtk_widget_class_install_action (widget_class, "patient.change-tier", NULL,
                                   patient_change_tier_action);
  gtk_widget_class_install_action (widget_class, "patient.use-computed-tier", NULL,
                                   patient_use_computed_tier_action);
  gtk_widget_class_install_action (widget_class, "patient.import-risk-score", NULL,
                                   patient_import_risk_score_action);
  gtk_widget_class_install_action (widget_class, "patient.log-contact", NULL, patient_log_contact_action);
  gtk_widget_class_install_action (widget_class, "patient.plan-visit", NULL, patient_plan_visit_action);
  gtk_widget_class_install_action (widget_class, "patient.hospital-stay", NULL, patient_hospital_stay_action);
  gtk_widget_class_install_action (widget_class, "patient.record-death", NULL, patient_record_death_action);
  gtk_widget_class_install_action (widget_class, "patient.correct-death", NULL, patient_record_death_action);
  gtk_widget_class_install_action (widget_class, "patient.ask-experience", NULL, patient_ask_experience_action);
  gtk_widget_class_install_action (widget_class, "patient.sharing", NULL, patient_sharing_action);
  gtk_widget_class_install_action (widget_class, "patient.corrections", NULL, patient_corrections_action);
  gtk_widget_class_install_action (widget_class, "patient.access-log", NULL, patient_access_log_action);
  gtk_widget_class_install_action (widget_class, "patient.break-glass", NULL, patient_break_glass_action);
}

static void
kith_record_page_init (KithRecordPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->deficit_rows = g_ptr_array_new ();
  self->history_rows = g_ptr_array_new ();
}

GtkWidget *
kith_record_page_new (void)
{
  return g_object_new (KITH_TYPE_RECORD_PAGE, NULL);
}

KithPatient *
kith_record_page_get_patient (KithRecordPage *self)
{
  g_return_val_if_fail (KITH_IS_RECORD_PAGE (self), NULL);

  return self->patient;
}

void
kith_record_page_set_person (KithRecordPage    *self,
                             KithPatient       *patient,
                             KithCaseloadEntry *entry)
{
  g_return_if_fail (KITH_IS_RECORD_PAGE (self));
  g_return_if_fail (patient == NULL || KITH_IS_PATIENT (patient));
  g_return_if_fail (entry == NULL || KITH_IS_CASELOAD_ENTRY (entry));

  if (g_set_object (&self->patient, patient))
    {
      /* A new person starts at the top of their record. */
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATIENT]);
    }

  update_details (self);
  update_from_caseload_entry (self, patient != NULL ? entry : NULL);
  kith_record_page_reload (self);
}

void
kith_record_page_set_store (KithRecordPage *self,
                            KithStore      *store)
{
  g_return_if_fail (KITH_IS_RECORD_PAGE (self));
  g_return_if_fail (store == NULL || KITH_IS_STORE (store));

  g_set_object (&self->store, store);
  kith_record_page_reload (self);
}

void
kith_record_page_reload (KithRecordPage *self)
{
  g_return_if_fail (KITH_IS_RECORD_PAGE (self));

  kith_alert_box_set_patient (self->alert_box,
                              self->patient != NULL ? self->store : NULL,
                              self->patient != NULL ? kith_patient_get_id (self->patient) : NULL);
  update_assessments (self);
  update_frailty (self);
  update_contacts (self);
  update_progress (self);
  update_governance (self);
}

void
kith_record_page_update_entry (KithRecordPage    *self,
                               KithCaseloadEntry *entry)
{
  g_return_if_fail (KITH_IS_RECORD_PAGE (self));
  g_return_if_fail (KITH_IS_CASELOAD_ENTRY (entry));

  if (self->patient == NULL ||
      g_strcmp0 (kith_caseload_entry_get_id (entry), kith_patient_get_id (self->patient)) != 0)
    return;

  update_from_caseload_entry (self, entry);
  update_frailty (self);
}

AdwPreferencesGroup *
kith_record_page_get_frailty_group (KithRecordPage *self)
{
  g_return_val_if_fail (KITH_IS_RECORD_PAGE (self), NULL);

  return self->frailty_group;
}

const char *
kith_record_page_get_tier_text (KithRecordPage *self)
{
  g_return_val_if_fail (KITH_IS_RECORD_PAGE (self), NULL);

  return adw_action_row_get_subtitle (self->tier_row);
}

AdwExpanderRow *
kith_record_page_get_risk_history_row (KithRecordPage *self)
{
  g_return_val_if_fail (KITH_IS_RECORD_PAGE (self), NULL);

  return self->history_row;
}

AdwExpanderRow *
kith_record_page_get_deficits_row (KithRecordPage *self)
{
  g_return_val_if_fail (KITH_IS_RECORD_PAGE (self), NULL);

  return self->deficits_row;
}

const char *
kith_record_page_get_frailty_text (KithRecordPage *self)
{
  g_return_val_if_fail (KITH_IS_RECORD_PAGE (self), NULL);

  return gtk_label_get_text (self->efi_label);
}

GtkWidget *
kith_record_page_get_assessment_button (KithRecordPage *self)
{
  g_return_val_if_fail (KITH_IS_RECORD_PAGE (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->in_progress_row)) ? self->resume_button
                                                                      : self->start_button;
}

KithAlertBox *
kith_record_page_get_alert_box (KithRecordPage *self)
{
  g_return_val_if_fail (KITH_IS_RECORD_PAGE (self), NULL);

  return self->alert_box;
}

const char *
kith_record_page_get_death_text (KithRecordPage *self)
{
  g_return_val_if_fail (KITH_IS_RECORD_PAGE (self), NULL);

  return gtk_widget_get_visible (self->death_box) ? gtk_label_get_text (self->death_label) : NULL;
}

void
kith_record_page_set_sync_client (KithRecordPage *self,
                                  KithSyncClient *client)
{
  g_return_if_fail (KITH_IS_RECORD_PAGE (self));
  g_return_if_fail (client == NULL || KITH_IS_SYNC_CLIENT (client));

  g_set_object (&self->sync_client, client);
  update_governance (self);
}

const char *
kith_record_page_get_withheld_text (KithRecordPage *self)
{
  g_return_val_if_fail (KITH_IS_RECORD_PAGE (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->withheld_row))
           ? adw_action_row_get_subtitle (self->withheld_row) : NULL;
}
