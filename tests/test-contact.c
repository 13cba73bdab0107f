/* test-contact.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The contact log, planned home visits, hospital stays and the virtual
 * ward, on real sqlite stores: what is saved is read back as it was given,
 * a discharge makes the plan's review due and puts the person on the
 * follow-up list until a contact is logged, and the visit summary left in
 * the home is one page whatever the plan holds.
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kith-core.h"
#include "kith-plan-document.h"
#include "kith-visit-summary.h"

#define COORDINATOR "Bethan Hughes"

typedef struct
{
  char      *dir;
  KithStore *store;
  char      *patient_id;
} Fixture;

/* Helpers */

static char *
add_person (KithStore  *store,
            const char *given,
            const char *family)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();

  kith_patient_set_given (patient, given);
  kith_patient_set_family (patient, family);
  kith_patient_set_address (patient, "12 Mill Lane\nLeeds\nLS6 2AB");
  g_assert_true (kith_store_save_patient (store, patient, &error));
  g_assert_no_error (error);
  return g_strdup (kith_patient_get_id (patient));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("kith-contact-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);
  f->patient_id = add_person (f->store, "Margaret", "Smith");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->patient_id);
}

static void
get_today (GDate *date)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
}

/* The local date @days from today (negative: before), "YYYY-MM-DD" */
static char *
date_from_today (int days)
{
  GDate date;
  char text[11];

  get_today (&date);
  if (days >= 0)
    g_date_add_days (&date, days);
  else
    g_date_subtract_days (&date, -days);
  g_date_strftime (text, sizeof text, "%Y-%m-%d", &date);
  return g_strdup (text);
}

/* A local time @days from today, as an ISO 8601 string with its offset */
static char *
time_from_today (int days,
                 int hour,
                 int minute)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) day = g_date_time_add_days (now, days);
  g_autoptr(GDateTime) at = g_date_time_new_local (g_date_time_get_year (day), g_date_time_get_month (day),
                                                   g_date_time_get_day_of_month (day), hour, minute, 0);

  return g_date_time_format_iso8601 (at);
}

static char *
hours_ago (int hours)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_hours (now, -hours);

  return g_date_time_format_iso8601 (then);
}

/* An agreed plan with a co-ordinator, a crisis section and @n_actions
 * actions, its review half a year away. */
static KithCarePlan *
make_agreed_plan (Fixture    *f,
                  const char *patient_id,
                  guint       n_actions)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (f->store, patient_id, &error);
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_free);
  KithTeamMember coordinator = { NULL, (char *) COORDINATOR, (char *) "coordinator", NULL,
                                 (char *) "01632 960555", (char *) "Mon–Fri 9am–5pm" };
  KithGoal goal = { NULL, (char *) "To stay living at home", (char *) "the person", NULL, NULL, FALSE };
  KithContact *contact = g_new0 (KithContact, 1);
  g_autofree char *member = NULL;
  g_autofree char *goal_id = NULL;
  g_autofree char *review = date_from_today (180);

  g_assert_no_error (error);
  member = kith_care_plan_add_team_member (plan, &coordinator, &error);
  g_assert_no_error (error);
  goal_id = kith_care_plan_add_goal (plan, &goal, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_actions; i++)
    {
      g_autofree char *text = g_strdup_printf ("Action %u: check the pill organiser with Peggy and the district "
                                               "nurse, and ring the pharmacy if anything is missing",
                                               i + 1);
      g_autofree char *due = date_from_today (7 + (int) i);
      KithAction action = { NULL, text, KITH_OWNER_PROFESSIONAL, (char *) COORDINATOR, due,
                            KITH_ACTION_NOT_STARTED, goal_id };
      g_autofree char *id = kith_care_plan_add_action (plan, &action, &error);

      g_assert_no_error (error);
    }
  contact->name = g_strdup ("Daniel Smith (son)");
  contact->phone = g_strdup ("07700 900123");
  contact->when = g_strdup ("any hour");
  g_ptr_array_add (contacts, contact);
  kith_care_plan_set_crisis_contacts (plan, contacts);
  kith_care_plan_set_warning_signs (plan, "Not eating, more confused than usual, a fall");
  kith_care_plan_set_crisis_actions (plan, "Call Daniel, then the out-of-hours GP on 111");
  g_assert_true (kith_care_plan_set_review_date (plan, review, &error));
  g_assert_true (kith_care_plan_agree (plan, "Margaret Smith", FALSE, "in person at home", &error));
  g_assert_no_error (error);
  g_assert_true (kith_care_plan_save (plan, f->store, COORDINATOR, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kith_care_plan_get_state (plan), ==, KITH_PLAN_AGREED);
  return g_steal_pointer (&plan);
}

static KithContactEntry *
new_entry (const char      *patient_id,
           KithContactKind  kind,
           const char      *when,
           const char      *who)
{
  KithContactEntry *entry = g_new0 (KithContactEntry, 1);

  entry->patient_id = g_strdup (patient_id);
  entry->kind = kind;
  entry->when = g_strdup (when);
  entry->participants = kith_contact_split_participants (who);
  return entry;
}

static guint
count_contacts (Fixture    *f,
                const char *patient_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) contacts = kith_store_list_contacts (f->store, patient_id, &error);

  g_assert_no_error (error);
  return contacts->len;
}

/* Whether the caseload, with @filter on, shows the person */
static gboolean
caseload_shows (Fixture            *f,
                KithCaseloadFilter  filter,
                const char         *patient_id)
{
  g_autoptr(KithCaseload) caseload = kith_caseload_new (f->store);
  guint n;

  kith_caseload_set_filter (caseload, filter, NULL, 0);
  n = g_list_model_get_n_items (G_LIST_MODEL (caseload));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload), i);

      if (g_strcmp0 (kith_caseload_entry_get_id (entry), patient_id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Tests */

static void
test_contact_round_trip (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *earlier = hours_ago (30);
  g_autofree char *later = hours_ago (2);
  g_autoptr(KithContactEntry) phone = new_entry (f->patient_id, KITH_CONTACT_PHONE, later,
                                                 " Bethan Hughes (Care co-ordinator), Peggy;Daniel Smith (son) ,, ");
  g_autoptr(KithContactEntry) visit = new_entry (f->patient_id, KITH_CONTACT_HOME_VISIT, earlier, COORDINATOR);
  g_autoptr(KithContactEntry) loaded = NULL;
  g_autoptr(JsonObject) encounter = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GDateTime) given = NULL;
  g_autoptr(GDateTime) read_back = NULL;
  g_autofree char *phone_id = NULL;
  g_autofree char *visit_id = NULL;
  JsonNode *note;

  phone->notes = g_strdup ("Peggy sounded brighter.\nDaniel will bring the new walking frame on Friday.");
  g_assert_cmpuint (g_strv_length (phone->participants), ==, 3);

  visit_id = kith_contact_log (f->store, visit, &error);
  g_assert_no_error (error);
  phone_id = kith_contact_log (f->store, phone, &error);
  g_assert_no_error (error);
  g_assert_nonnull (phone_id);

  /* Read back field by field */
  loaded = kith_contact_load (f->store, phone_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->id, ==, phone_id);
  g_assert_cmpstr (loaded->patient_id, ==, f->patient_id);
  g_assert_cmpint (loaded->kind, ==, KITH_CONTACT_PHONE);
  g_assert_false (loaded->planned);
  g_assert_cmpuint (g_strv_length (loaded->participants), ==, 3);
  g_assert_cmpstr (loaded->participants[0], ==, "Bethan Hughes (Care co-ordinator)");
  g_assert_cmpstr (loaded->participants[1], ==, "Peggy");
  g_assert_cmpstr (loaded->participants[2], ==, "Daniel Smith (son)");
  g_assert_cmpstr (loaded->notes, ==, phone->notes);
  g_assert_null (loaded->plan_id);
  given = g_date_time_new_from_iso8601 (later, NULL);
  read_back = g_date_time_new_from_iso8601 (loaded->when, NULL);
  g_assert_nonnull (read_back);
  /* Kept to the millisecond, as FHIR instants are */
  g_assert_cmpint (ABS (g_date_time_difference (read_back, given)), <, 1000);

  /* The FHIR shape COORDINATION.md gives */
  encounter = kith_store_read_resource (f->store, "Encounter", phone_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_fhir_get_string (encounter, "status"), ==, "finished");
  g_assert_cmpstr (kith_fhir_get_string (kith_fhir_get_object (encounter, "class"), "code"), ==, "VR");
  g_assert_cmpstr (kith_fhir_resource_code (encounter), ==, "phone");
  g_assert_cmpstr (kith_fhir_resource_patient (encounter), ==, f->patient_id);
  note = kith_fhir_get_extension (encounter, KITH_FHIR_SD "contact-note", "valueString");
  g_assert_nonnull (note);
  g_assert_cmpstr (json_node_get_string (note), ==, phone->notes);

  /* Newest first */
  contacts = kith_store_list_contacts (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contacts->len, ==, 2);
  g_assert_cmpstr (((KithContactEntry *) contacts->pdata[0])->id, ==, phone_id);
  g_assert_cmpstr (((KithContactEntry *) contacts->pdata[1])->id, ==, visit_id);
  g_assert_cmpint (((KithContactEntry *) contacts->pdata[1])->kind, ==, KITH_CONTACT_HOME_VISIT);

  /* Refused, each with its reason, and nothing saved */
  {
    g_autofree char *tomorrow = time_from_today (1, 10, 0);
    g_autoptr(KithContactEntry) future = new_entry (f->patient_id, KITH_CONTACT_CLINIC, tomorrow, COORDINATOR);
    g_autoptr(KithContactEntry) nobody = new_entry (f->patient_id, KITH_CONTACT_EMAIL, later, " , ");
    g_autoptr(KithContactEntry) stranger = new_entry ("no-such-person", KITH_CONTACT_PHONE, later, COORDINATOR);
    g_autoptr(KithContactEntry) nonsense = new_entry (f->patient_id, KITH_CONTACT_PHONE, "last Tuesday", COORDINATOR);
    char *id;

    id = kith_contact_log (f->store, future, &error);
    g_assert_null (id);
    g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "future"));
    g_clear_error (&error);
    id = kith_contact_log (f->store, nobody, &error);
    g_assert_null (id);
    g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "who"));
    g_clear_error (&error);
    id = kith_contact_log (f->store, stranger, &error);
    g_assert_null (id);
    g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_NOT_FOUND);
    g_clear_error (&error);
    id = kith_contact_log (f->store, nonsense, &error);
    g_assert_null (id);
    g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "last Tuesday"));
    g_clear_error (&error);
  }
  g_assert_cmpuint (count_contacts (f, f->patient_id), ==, 2);

  /* A contact logged by its date alone */
  {
    g_autofree char *yesterday = date_from_today (-1);
    g_autoptr(KithContactEntry) dated = new_entry (f->patient_id, KITH_CONTACT_EMAIL, yesterday, COORDINATOR);
    g_autofree char *id = kith_contact_log (f->store, dated, &error);
    g_autoptr(KithContactEntry) back = NULL;

    g_assert_no_error (error);
    back = kith_contact_load (f->store, id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (back->when, ==, yesterday);
    g_assert_cmpint (back->kind, ==, KITH_CONTACT_EMAIL);
  }
}

static void
test_planned_visits (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_id = add_person (f->store, "Arthur", "Jones");
  g_autofree char *today_late = time_from_today (0, 23, 50);
  g_autofree char *today_early = time_from_today (0, 0, 10);
  g_autofree char *tomorrow_at = time_from_today (1, 11, 0);
  g_autoptr(KithContactEntry) late = new_entry (f->patient_id, KITH_CONTACT_HOME_VISIT, today_late,
                                                "Bethan Hughes (Care co-ordinator), Daniel Smith");
  g_autoptr(KithContactEntry) early = new_entry (other_id, KITH_CONTACT_HOME_VISIT, today_early, "BETHAN HUGHES");
  g_autoptr(KithContactEntry) tomorrow = new_entry (f->patient_id, KITH_CONTACT_HOME_VISIT, tomorrow_at, COORDINATOR);
  g_autoptr(KithContactEntry) colleague = new_entry (f->patient_id, KITH_CONTACT_HOME_VISIT, today_late,
                                                     "Tunde Afolabi, Bethan Hughes");
  g_autoptr(KithContactEntry) phone_call = new_entry (f->patient_id, KITH_CONTACT_PHONE, today_late, COORDINATOR);
  g_autofree char *late_id = NULL, *early_id = NULL, *tomorrow_id = NULL, *colleague_id = NULL, *phone_id = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  GDate today, next_day;

  get_today (&today);
  next_day = today;
  g_date_add_days (&next_day, 1);

  late_id = kith_contact_plan_visit (f->store, late, &error);
  g_assert_no_error (error);
  early_id = kith_contact_plan_visit (f->store, early, &error);
  g_assert_no_error (error);
  tomorrow_id = kith_contact_plan_visit (f->store, tomorrow, &error);
  g_assert_no_error (error);
  colleague_id = kith_contact_plan_visit (f->store, colleague, &error);
  g_assert_no_error (error);
  phone_id = kith_contact_plan_visit (f->store, phone_call, &error);
  g_assert_no_error (error);

  /* Mine today, earliest first, matched with or without the role, in any case */
  visits = kith_store_list_visits (f->store, "bethan hughes", &today, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, ==, 2);
  g_assert_cmpstr (((KithContactEntry *) visits->pdata[0])->id, ==, early_id);
  g_assert_cmpstr (((KithContactEntry *) visits->pdata[1])->id, ==, late_id);
  g_assert_true (((KithContactEntry *) visits->pdata[1])->planned);
  g_clear_pointer (&visits, g_ptr_array_unref);
  visits = kith_store_list_visits (f->store, "Bethan Hughes (Named care co-ordinator)", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, ==, 2);
  g_clear_pointer (&visits, g_ptr_array_unref);

  /* Another day, another professional, no one */
  visits = kith_store_list_visits (f->store, COORDINATOR, &next_day, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, ==, 1);
  g_assert_cmpstr (((KithContactEntry *) visits->pdata[0])->id, ==, tomorrow_id);
  g_clear_pointer (&visits, g_ptr_array_unref);
  visits = kith_store_list_visits (f->store, "Tunde Afolabi (Nurse)", &today, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, ==, 1);
  g_assert_cmpstr (((KithContactEntry *) visits->pdata[0])->id, ==, colleague_id);
  g_clear_pointer (&visits, g_ptr_array_unref);
  visits = kith_store_list_visits (f->store, "Bethan", &today, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, ==, 0);
  g_clear_pointer (&visits, g_ptr_array_unref);

  /* Logged: the same Encounter, finished, off the diary */
  {
    g_autofree char *now = hours_ago (0);
    g_autoptr(KithContactEntry) made = new_entry (NULL, KITH_CONTACT_HOME_VISIT, now,
                                                  "Bethan Hughes, Peggy, Daniel Smith");
    g_autoptr(KithContactEntry) back = NULL;
    g_autoptr(JsonObject) encounter = NULL;

    made->notes = g_strdup ("Walked to the gate with the frame.");
    g_assert_true (kith_contact_log_planned (f->store, late_id, made, &error));
    g_assert_no_error (error);
    back = kith_contact_load (f->store, late_id, &error);
    g_assert_no_error (error);
    g_assert_false (back->planned);
    g_assert_cmpstr (back->patient_id, ==, f->patient_id);
    g_assert_cmpstr (back->notes, ==, "Walked to the gate with the frame.");
    g_assert_cmpuint (g_strv_length (back->participants), ==, 3);
    encounter = kith_store_read_resource (f->store, "Encounter", late_id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (kith_fhir_get_string (encounter, "status"), ==, "finished");
    g_assert_cmpstr (kith_fhir_get_version_id (encounter), ==, "2");

    visits = kith_store_list_visits (f->store, COORDINATOR, &today, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (visits->len, ==, 1);
    g_assert_cmpstr (((KithContactEntry *) visits->pdata[0])->id, ==, early_id);
    g_clear_pointer (&visits, g_ptr_array_unref);

    /* Not twice */
    g_assert_false (kith_contact_log_planned (f->store, late_id, made, &error));
    g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WRONG_STATE);
    g_clear_error (&error);
    /* Not with someone else */
    g_clear_pointer (&made->patient_id, g_free);
    made->patient_id = g_strdup (f->patient_id);
    g_assert_false (kith_contact_log_planned (f->store, early_id, made, &error));
    g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID);
    g_clear_error (&error);
  }

  /* Cancelled: off the diary, and cannot then be logged */
  g_assert_true (kith_contact_cancel_visit (f->store, early_id, &error));
  g_assert_no_error (error);
  visits = kith_store_list_visits (f->store, COORDINATOR, &today, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, ==, 0);
  g_assert_false (kith_contact_cancel_visit (f->store, late_id, &error));
  g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WRONG_STATE);
  g_clear_error (&error);
  g_assert_cmpuint (count_contacts (f, other_id), ==, 0);
}

static void
test_plan_action_link (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = make_agreed_plan (f, f->patient_id, 2);
  g_autoptr(GPtrArray) actions = kith_care_plan_list_actions (plan);
  const KithAction *action = actions->pdata[1];
  g_autofree char *when = hours_ago (1);
  g_autoptr(KithContactEntry) entry = new_entry (f->patient_id, KITH_CONTACT_PHONE, when, COORDINATOR);
  g_autoptr(KithContactEntry) back = NULL;
  g_autoptr(JsonObject) encounter = NULL;
  g_autofree char *id = NULL;
  g_autofree char *expected = NULL;
  JsonNode *link;

  entry->plan_id = g_strdup (kith_care_plan_get_id (plan));
  entry->action_id = g_strdup (action->id);
  id = kith_contact_log (f->store, entry, &error);
  g_assert_no_error (error);

  encounter = kith_store_read_resource (f->store, "Encounter", id, &error);
  g_assert_no_error (error);
  link = kith_fhir_get_extension (encounter, KITH_FHIR_SD "plan-action", "valueString");
  g_assert_nonnull (link);
  expected = g_strdup_printf ("CarePlan/%s#%s", kith_care_plan_get_id (plan), action->id);
  g_assert_cmpstr (json_node_get_string (link), ==, expected);
  back = kith_contact_load (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->plan_id, ==, kith_care_plan_get_id (plan));
  g_assert_cmpstr (back->action_id, ==, action->id);

  /* An action the plan does not have */
  g_free (entry->action_id);
  entry->action_id = g_strdup ("task-doesnotexist");
  g_assert_null (kith_contact_log (f->store, entry, &error));
  g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* A plan that does not exist */
  g_free (entry->plan_id);
  entry->plan_id = g_strdup ("no-such-plan");
  g_assert_null (kith_contact_log (f->store, entry, &error));
  g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Half a link */
  g_clear_pointer (&entry->action_id, g_free);
  g_assert_null (kith_contact_log (f->store, entry, &error));
  g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID);
  g_clear_error (&error);
  /* Someone else's plan */
  {
    g_autofree char *other_id = add_person (f->store, "Arthur", "Jones");
    g_autoptr(KithContactEntry) other = new_entry (other_id, KITH_CONTACT_PHONE, when, COORDINATOR);

    other->plan_id = g_strdup (kith_care_plan_get_id (plan));
    other->action_id = g_strdup (action->id);
    g_assert_null (kith_contact_log (f->store, other, &error));
    g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_cmpuint (count_contacts (f, other_id), ==, 0);
  }
  g_assert_cmpuint (count_contacts (f, f->patient_id), ==, 1);
}

/* The test: a discharge making a review due and a follow-up appear. */
static void
test_discharge_review_and_follow_up (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = make_agreed_plan (f, f->patient_id, 1);
  g_autoptr(KithCarePlan) reviewed = NULL;
  g_autofree char *admitted = date_from_today (-5);
  g_autofree char *discharged = date_from_today (-2);
  g_autofree char *before_discharge = time_from_today (-3, 12, 0);
  g_autofree char *after_discharge = time_from_today (-1, 12, 0);
  g_autofree char *stay_id = NULL;
  g_autoptr(GPtrArray) stays = NULL;
  g_autoptr(KithHospitalStay) open = NULL;

  g_assert_false (kith_care_plan_is_review_due (plan, NULL));
  g_assert_false (caseload_shows (f, KITH_CASELOAD_FILTER_DISCHARGED, f->patient_id));

  stay_id = kith_contact_record_admission (f->store, f->patient_id, admitted, "St James’s University Hospital",
                                           "A fall at home", &error);
  g_assert_no_error (error);
  open = kith_contact_get_open_stay (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (open);
  g_assert_cmpstr (open->id, ==, stay_id);
  g_assert_cmpstr (open->admitted, ==, admitted);
  g_assert_cmpstr (open->hospital, ==, "St James’s University Hospital");
  g_assert_cmpstr (open->reason, ==, "A fall at home");
  /* Admitted, not yet discharged: nothing to follow up */
  g_assert_false (caseload_shows (f, KITH_CASELOAD_FILTER_DISCHARGED, f->patient_id));

  /* A contact while in hospital is not the follow-up */
  {
    g_autoptr(KithContactEntry) ward_call = new_entry (f->patient_id, KITH_CONTACT_PHONE, before_discharge,
                                                       COORDINATOR);
    g_autofree char *id = kith_contact_log (f->store, ward_call, &error);

    g_assert_no_error (error);
  }

  /* Refused: in the future, before the admission */
  {
    g_autofree char *tomorrow = date_from_today (1);
    g_autofree char *too_early = date_from_today (-6);

    g_assert_false (kith_contact_record_discharge (f->store, f->patient_id, tomorrow, NULL, COORDINATOR, &error));
    g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (kith_contact_record_discharge (f->store, f->patient_id, too_early, NULL, COORDINATOR, &error));
    g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (kith_contact_record_discharge (f->store, f->patient_id, "2026-02-30", NULL, COORDINATOR, &error));
    g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID);
    g_clear_error (&error);
  }

  g_assert_true (kith_contact_record_discharge (f->store, f->patient_id, discharged,
                                                "Home with reablement for six weeks", COORDINATOR, &error));
  g_assert_no_error (error);

  /* The stay is over */
  stays = kith_store_list_hospital_stays (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stays->len, ==, 1);
  g_assert_cmpstr (((KithHospitalStay *) stays->pdata[0])->id, ==, stay_id);
  g_assert_cmpstr (((KithHospitalStay *) stays->pdata[0])->discharged, ==, discharged);
  g_assert_cmpstr (((KithHospitalStay *) stays->pdata[0])->discharge_note, ==, "Home with reablement for six weeks");
  g_clear_pointer (&open, kith_hospital_stay_free);
  open = kith_contact_get_open_stay (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_null (open);

  /* The plan: under review, due from the discharge day, with the crunch point */
  reviewed = kith_care_plan_load_current (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kith_care_plan_get_state (reviewed), ==, KITH_PLAN_UNDER_REVIEW);
  g_assert_cmpstr (kith_care_plan_get_review_date (reviewed), ==, discharged);
  g_assert_true (kith_care_plan_is_review_due (reviewed, NULL));
  g_assert_cmpstr (kith_care_plan_get_last_edited_by (reviewed), ==, COORDINATOR);
  {
    g_autofree char *json = kith_fhir_to_string (kith_care_plan_get_json (reviewed), FALSE);

    g_assert_nonnull (strstr (json, "crunch-point"));
    g_assert_nonnull (strstr (json, "\"discharge\""));
  }

  /* On the follow-up list: the contact before the discharge does not count */
  g_assert_true (caseload_shows (f, KITH_CASELOAD_FILTER_DISCHARGED, f->patient_id));

  /* Until a contact after the discharge is logged */
  {
    g_autoptr(KithContactEntry) follow_up = new_entry (f->patient_id, KITH_CONTACT_HOME_VISIT, after_discharge,
                                                       COORDINATOR);
    g_autofree char *id = kith_contact_log (f->store, follow_up, &error);

    g_assert_no_error (error);
  }
  g_assert_false (caseload_shows (f, KITH_CASELOAD_FILTER_DISCHARGED, f->patient_id));

  /* The same discharge twice is refused */
  g_assert_false (kith_contact_record_discharge (f->store, f->patient_id, discharged, NULL, COORDINATOR, &error));
  g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WRONG_STATE);
  g_clear_error (&error);
}

static void
test_discharge_long_ago (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *recent_id = add_person (f->store, "Arthur", "Jones");
  g_autofree char *fifteen_days_ago = date_from_today (-15);
  g_autofree char *fourteen_days_ago = date_from_today (-14);
  g_autoptr(KithCarePlan) reviewed = NULL;
  g_autoptr(GPtrArray) stays = NULL;

  g_object_unref (make_agreed_plan (f, f->patient_id, 1));

  /* A discharge heard of on its own, with no admission recorded */
  g_assert_true (kith_contact_record_discharge (f->store, f->patient_id, fifteen_days_ago, NULL, COORDINATOR,
                                                &error));
  g_assert_no_error (error);
  g_assert_true (kith_contact_record_discharge (f->store, recent_id, fourteen_days_ago, NULL, COORDINATOR,
                                                &error));
  g_assert_no_error (error);
  stays = kith_store_list_hospital_stays (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stays->len, ==, 1);
  g_assert_null (((KithHospitalStay *) stays->pdata[0])->admitted);

  /* The review is due; the follow-up list keeps the last 14 days only */
  reviewed = kith_care_plan_load_current (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_true (kith_care_plan_is_review_due (reviewed, NULL));
  g_assert_cmpstr (kith_care_plan_get_review_date (reviewed), ==, fifteen_days_ago);
  g_assert_false (caseload_shows (f, KITH_CASELOAD_FILTER_DISCHARGED, f->patient_id));
  g_assert_true (caseload_shows (f, KITH_CASELOAD_FILTER_DISCHARGED, recent_id));
  /* No plan to review for the other: the discharge is still recorded */
  g_assert_null (kith_care_plan_load_current (f->store, recent_id, &error));
  g_assert_no_error (error);
}

static void
test_virtual_ward (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ward = NULL;
  g_autofree char *three_days_ago = date_from_today (-3);
  g_autofree char *a_id = NULL, *b_id = NULL, *c_id = NULL;
  const char *a, *b, *c;
  GDate today;

  get_today (&today);
  /* One person: 0.5% of 1, rounded up */
  g_assert_cmpuint (kith_store_get_virtual_ward_capacity (f->store), ==, 1);

  g_assert_true (kith_store_begin (f->store, &error));
  for (guint i = 1; i < 200; i++)
    {
      g_autofree char *family = g_strdup_printf ("Person%03u", i);

      g_ptr_array_add (people, add_person (f->store, "Test", family));
    }
  g_assert_true (kith_store_commit (f->store, &error));
  g_assert_no_error (error);
  /* 200 people: exactly 1 place; 201: 1.005, so 2 */
  g_assert_cmpuint (kith_store_get_virtual_ward_capacity (f->store), ==, 1);
  g_ptr_array_add (people, add_person (f->store, "Zoe", "Last"));
  g_assert_cmpuint (kith_store_get_virtual_ward_capacity (f->store), ==, 2);

  a = f->patient_id;
  b = people->pdata[0];
  c = people->pdata[1];
  a_id = kith_virtual_ward_admit (f->store, a, three_days_ago, "Dr Amir Khan", FALSE, &error);
  g_assert_no_error (error);
  b_id = kith_virtual_ward_admit (f->store, b, NULL, NULL, FALSE, &error);
  g_assert_no_error (error);

  /* Full: refused, clearly, unless forced */
  g_assert_null (kith_virtual_ward_admit (f->store, c, NULL, NULL, FALSE, &error));
  g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WARD_FULL);
  g_assert_nonnull (strstr (error->message, "2 of 2"));
  g_clear_error (&error);
  /* Already there */
  g_assert_null (kith_virtual_ward_admit (f->store, a, NULL, NULL, TRUE, &error));
  g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WRONG_STATE);
  g_clear_error (&error);
  c_id = kith_virtual_ward_admit (f->store, c, NULL, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c_id);

  /* Who is on the ward, longest first, with admit dates and days */
  ward = kith_store_list_virtual_ward (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ward->len, ==, 3);
  {
    KithWardStay *first = ward->pdata[0];
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *today_text = g_date_time_format (now, "%Y-%m-%d");

    g_assert_cmpstr (first->id, ==, a_id);
    g_assert_cmpstr (first->patient_id, ==, a);
    g_assert_cmpstr (first->admitted, ==, three_days_ago);
    g_assert_cmpstr (first->person_name, ==, "SMITH, Margaret");
    g_assert_cmpstr (first->clinician, ==, "Dr Amir Khan");
    g_assert_cmpint (kith_ward_stay_get_days (first, &today), ==, 3);
    g_assert_cmpstr (((KithWardStay *) ward->pdata[1])->admitted, ==, today_text);
    g_assert_cmpint (kith_ward_stay_get_days (ward->pdata[1], NULL), ==, 0);
  }
  g_clear_pointer (&ward, g_ptr_array_unref);
  g_assert_true (caseload_shows (f, KITH_CASELOAD_FILTER_VIRTUAL_WARD, a));

  /* Discharged: off the list and the filter; not twice */
  g_assert_true (kith_virtual_ward_discharge (f->store, a, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (kith_virtual_ward_discharge (f->store, a, NULL, &error));
  g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WRONG_STATE);
  g_clear_error (&error);
  ward = kith_store_list_virtual_ward (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ward->len, ==, 2);
  g_clear_pointer (&ward, g_ptr_array_unref);
  g_assert_false (caseload_shows (f, KITH_CASELOAD_FILTER_VIRTUAL_WARD, a));
  {
    g_autoptr(KithWardStay) none = kith_virtual_ward_get_stay (f->store, a, &error);
    g_autoptr(KithWardStay) still = kith_virtual_ward_get_stay (f->store, b, &error);

    g_assert_no_error (error);
    g_assert_null (none);
    g_assert_nonnull (still);
    g_assert_cmpstr (still->id, ==, b_id);
  }
  /* Discharge before admission */
  {
    g_autofree char *earlier = date_from_today (-1);

    g_assert_false (kith_virtual_ward_discharge (f->store, b, earlier, &error));
    g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID);
    g_clear_error (&error);
  }

  /* Still full (2 of 2) until the capacity is set higher */
  g_assert_null (kith_virtual_ward_admit (f->store, a, NULL, NULL, FALSE, &error));
  g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WARD_FULL);
  g_clear_error (&error);
  g_assert_true (kith_store_set_virtual_ward_capacity (f->store, 25, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kith_store_get_virtual_ward_capacity (f->store), ==, 25);
  {
    g_autofree char *again = kith_virtual_ward_admit (f->store, a, NULL, NULL, FALSE, &error);

    g_assert_no_error (error);
    g_assert_nonnull (again);
  }
  g_assert_true (kith_store_set_virtual_ward_capacity (f->store, 0, &error));
  g_assert_cmpuint (kith_store_get_virtual_ward_capacity (f->store), ==, 0);
  g_assert_true (kith_store_set_virtual_ward_capacity (f->store, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kith_store_get_virtual_ward_capacity (f->store), ==, 2);
}

/* Pages in a PDF as cairo writes it: page objects, not the page tree */
static guint
count_pdf_pages (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length;
  guint pages = 0;
  const char *at;

  g_assert_true (g_file_get_contents (path, &data, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (data, "%PDF-"));
  /* Binary streams hold NUL bytes: compared byte by byte, not as strings */
  for (at = data; at + strlen ("/Type /Pages") <= data + length; at++)
    if (memcmp (at, "/Type /Page", strlen ("/Type /Page")) == 0 && at[strlen ("/Type /Page")] != 's')
      pages++;
  return pages;
}

static char *
pdf_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_regex_replace_literal (spaces, out, -1, 0, " ", 0, NULL);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” is not in the text:\n%s", needle, haystack);
}

static void
test_visit_summary (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = make_agreed_plan (f, f->patient_id, 3);
  g_autoptr(KithPatient) patient = kith_store_load_patient (f->store, f->patient_id, &error);
  g_autofree char *when = hours_ago (1);
  g_autoptr(KithContactEntry) visit = new_entry (f->patient_id, KITH_CONTACT_HOME_VISIT, when,
                                                 "Bethan Hughes, Daniel Smith (son)");
  g_autoptr(KithVisitSummary) summary = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = g_build_filename (f->dir, "visit.pdf", NULL);
  g_autofree char *have_pdftotext = g_find_program_in_path ("pdftotext");
  GStatBuf st;

  visit->notes = g_strdup ("We talked about the stairs and the new grab rail.");
  id = kith_contact_log (f->store, visit, &error);
  g_assert_no_error (error);

  summary = kith_visit_summary_new (patient, plan, visit, NULL, KITH_PLAN_DOCUMENT_A4_WIDTH,
                                    KITH_PLAN_DOCUMENT_A4_HEIGHT);
  g_assert_false (kith_visit_summary_get_truncated (summary));

  g_assert_true (kith_visit_summary_export_contact (f->store, id, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_pdf_pages (path), ==, 1);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  if (have_pdftotext)
    {
      g_autofree char *text = pdf_text (path);

      assert_contains (text, "Margaret Smith");
      assert_contains (text, "Bethan Hughes");
      assert_contains (text, "01632 960555");
      assert_contains (text, "Bethan Hughes, with Daniel Smith (son)");
      assert_contains (text, "the new grab rail");
      assert_contains (text, "Action 3: check the pill organiser");
      assert_contains (text, "Not eating, more confused than usual");
      assert_contains (text, "Call Daniel, then the out-of-hours GP");
      assert_contains (text, "07700 900123");
      assert_contains (text, "call 999");
      g_assert_null (strstr (text, "has the rest"));
    }
  else
    g_test_message ("pdftotext is not installed: the words are not checked");

  /* A missing contact is an error, and the file stays as it was */
  g_assert_false (kith_visit_summary_export_contact (f->store, "no-such-visit", path, &error));
  g_assert_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (count_pdf_pages (path), ==, 1);
}

static void
test_visit_summary_long_plan (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = make_agreed_plan (f, f->patient_id, 40);
  g_autoptr(KithPatient) patient = kith_store_load_patient (f->store, f->patient_id, &error);
  g_autofree char *when = hours_ago (1);
  g_autoptr(KithContactEntry) visit = new_entry (f->patient_id, KITH_CONTACT_HOME_VISIT, when, COORDINATOR);
  g_autoptr(KithVisitSummary) summary = NULL;
  g_autoptr(GString) notes = g_string_new (NULL);
  g_autoptr(GString) signs = g_string_new (NULL);
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_free);
  g_autofree char *path = g_build_filename (f->dir, "long.pdf", NULL);
  g_autofree char *have_pdftotext = g_find_program_in_path ("pdftotext");

  for (guint i = 0; i < 60; i++)
    g_string_append_printf (notes, "Note %u: we went through the week, the meals and the medicines. ", i + 1);
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (signs, "Sign %u: more breathless on the stairs than last week.\n", i + 1);
  visit->notes = g_strdup (notes->str);
  kith_care_plan_set_warning_signs (plan, signs->str);
  kith_care_plan_set_crisis_actions (plan, signs->str);
  for (guint i = 0; i < 9; i++)
    {
      KithContact *contact = g_new0 (KithContact, 1);

      contact->name = g_strdup_printf ("Contact %u", i + 1);
      contact->phone = g_strdup_printf ("0113 496 00%02u", i);
      g_ptr_array_add (contacts, contact);
    }
  kith_care_plan_set_crisis_contacts (plan, contacts);

  summary = kith_visit_summary_new (patient, plan, visit, NULL, KITH_PLAN_DOCUMENT_A4_WIDTH,
                                    KITH_PLAN_DOCUMENT_A4_HEIGHT);
  g_assert_true (kith_visit_summary_get_truncated (summary));

  g_assert_true (kith_visit_summary_export_pdf (patient, plan, visit, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_pdf_pages (path), ==, 1);
  if (have_pdftotext)
    {
      g_autofree char *text = pdf_text (path);

      assert_contains (text, "Margaret Smith");
      assert_contains (text, "Action 1: check the pill organiser");
      g_assert_null (strstr (text, "Action 40:"));
      assert_contains (text, "more things to do");
      assert_contains (text, "Note 1:");
      g_assert_null (strstr (text, "Note 60:"));
      assert_contains (text, "Sign 1:");
      assert_contains (text, "…");
      assert_contains (text, "Contact 1");
      assert_contains (text, "more numbers in your care plan");
      assert_contains (text, "call 999");
      assert_contains (text, "your care and support plan has the rest");
      assert_contains (text, "Printed on");
    }

  /* Names far too long for a line: cut, every number to call still
   * there, and nothing run off the page (that would warn, and warnings
   * fail a test). */
  {
    g_autoptr(GString) long_name = g_string_new (NULL);
    g_autofree char *odd = g_build_filename (f->dir, "odd.pdf", NULL);

    for (guint i = 0; i < 20; i++)
      g_string_append (long_name, "Wolfeschlegelsteinhausenbergerdorff ");
    kith_patient_set_given (patient, long_name->str);
    g_strfreev (visit->participants);
    visit->participants = g_strsplit (long_name->str, " ", 8);
    for (guint i = 0; i < contacts->len; i++)
      {
        KithContact *contact = contacts->pdata[i];

        g_free (contact->name);
        contact->name = g_strdup (long_name->str);
        g_free (contact->when);
        contact->when = g_strdup (long_name->str);
      }
    kith_care_plan_set_crisis_contacts (plan, contacts);
    g_assert_true (kith_visit_summary_export_pdf (patient, plan, visit, odd, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count_pdf_pages (odd), ==, 1);
    if (have_pdftotext)
      {
        g_autofree char *text = pdf_text (odd);

        assert_contains (text, "0113 496 0000");
        assert_contains (text, "0113 496 0003");
        assert_contains (text, "call 999");
        assert_contains (text, "Action 1:");
      }
  }

  /* No plan at all, no notes: still a page, with what to do in a crisis */
  {
    g_autofree char *bare = g_build_filename (f->dir, "bare.pdf", NULL);

    g_clear_pointer (&visit->notes, g_free);
    g_assert_true (kith_visit_summary_export_pdf (patient, NULL, visit, bare, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count_pdf_pages (bare), ==, 1);
    if (have_pdftotext)
      {
        g_autofree char *text = pdf_text (bare);

        assert_contains (text, "There is no care plan yet");
        assert_contains (text, "call 999");
        g_assert_null (strstr (text, "What we talked about"));
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/contact/round-trip", test_contact_round_trip);
  ADD ("/contact/planned-visits", test_planned_visits);
  ADD ("/contact/plan-action-link", test_plan_action_link);
  ADD ("/contact/discharge-review-and-follow-up", test_discharge_review_and_follow_up);
  ADD ("/contact/discharge-long-ago", test_discharge_long_ago);
  ADD ("/contact/virtual-ward", test_virtual_ward);
  ADD ("/contact/visit-summary", test_visit_summary);
  ADD ("/contact/visit-summary-long-plan", test_visit_summary_long_plan);

  return g_test_run ();
}
