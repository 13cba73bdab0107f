/* test-plan-document.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The care plan the person keeps at home, read back the way they would
 * see it: pdftotext (poppler-utils) gives the words on each page and, with
 * -bbox, how big they are.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "kith-core.h"
#include "kith-plan-document.h"

#define COORDINATOR       "Bethan Hughes"
#define COORDINATOR_PHONE "01632 960555"
#define SON               "Daniel Smith"
#define SON_PHONE         "07700 900123"
#define NIGHT_TEAM        "District nurses at night"
#define NIGHT_PHONE       "0300 555 0199"

static const char *goal_texts[] = {
  "To walk to the shop on my own by summer",
  "To keep going to the Tuesday lunch club",
  "To sleep through the night without worrying",
  "For Daniel to get a proper break once a month",
};

typedef struct
{
  char      *dir;
  char      *path;
  KithStore *store;
  char      *patient_id;
  char      *other_id;   /* a person with no plan */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(KithPatient) other = kith_patient_new ();

  f->dir = g_dir_make_tmp ("kith-plan-document-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (f->path, &error);
  g_assert_no_error (error);

  kith_patient_set_family (patient, "Smith");
  kith_patient_set_given (patient, "Margaret");
  kith_patient_set_preferred_name (patient, "Peggy");
  g_assert_true (kith_patient_set_birth_date (patient, "1941-05-12", &error));
  g_assert_true (kith_patient_set_nhs_number (patient, "9434765919", &error));
  kith_patient_set_gp_practice (patient, "Riverside Surgery");
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  f->patient_id = g_strdup (kith_patient_get_id (patient));

  kith_patient_set_family (other, "Okafor");
  kith_patient_set_given (other, "Grace");
  g_assert_true (kith_patient_set_birth_date (other, "1944-02-11", &error));
  g_assert_true (kith_store_save_patient (f->store, other, &error));
  g_assert_no_error (error);
  f->other_id = g_strdup (kith_patient_get_id (other));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->patient_id);
  g_free (f->other_id);
}

/* A full plan, saved and loaded back the way the app and kith-tool do. */
static KithCarePlan *
make_plan (Fixture  *f,
           guint     n_goals,
           guint     n_actions,
           gboolean  empty)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  g_autoptr(GPtrArray) goal_ids = g_ptr_array_new_with_free_func (g_free);
  KithCarePlan *loaded;

  g_assert_no_error (error);
  if (!empty)
    {
      g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_free);
      KithTeamMember coordinator = { NULL, (char *) COORDINATOR, (char *) "coordinator", NULL,
                                     (char *) COORDINATOR_PHONE, (char *) "Monday to Friday, 9am to 5pm" };
      KithTeamMember gp = { NULL, (char *) "Dr Amir Khan", (char *) "gp", NULL, (char *) "01632 960001", NULL };
      KithContact *contact;
      g_autofree char *id1 = NULL;
      g_autofree char *id2 = NULL;

      kith_care_plan_set_about_me (plan, "I was a school cook for thirty years. I live with my cat, Biscuit.");
      kith_care_plan_set_what_matters (plan, "Staying in my own home, and seeing my friends.");
      kith_care_plan_set_medicines_note (plan, "Dr Khan went through your medicines in February.");
      kith_care_plan_set_consent_to_share (plan, "Your GP, the district nurses and Daniel may see this plan.");
      kith_care_plan_set_warning_signs (plan, "Swollen ankles, or more breathless lying down.");
      kith_care_plan_set_crisis_actions (plan, "Sit up, take the spray, and call the district nurses.");
      g_assert_true (kith_care_plan_set_review_date (plan, "2027-03-03", &error));
      id1 = kith_care_plan_add_team_member (plan, &coordinator, &error);
      g_assert_no_error (error);
      id2 = kith_care_plan_add_team_member (plan, &gp, &error);
      g_assert_no_error (error);

      contact = g_new0 (KithContact, 1);
      contact->name = g_strdup (SON);
      contact->phone = g_strdup (SON_PHONE);
      contact->when = g_strdup ("any hour");
      g_ptr_array_add (contacts, contact);
      contact = g_new0 (KithContact, 1);
      contact->name = g_strdup (NIGHT_TEAM);
      contact->phone = g_strdup (NIGHT_PHONE);
      contact->when = g_strdup ("evenings and nights");
      g_ptr_array_add (contacts, contact);
      kith_care_plan_set_crisis_contacts (plan, contacts);
    }

  for (guint i = 0; i < n_goals; i++)
    {
      g_autofree char *text = i < G_N_ELEMENTS (goal_texts) ? g_strdup (goal_texts[i])
                                                            : g_strdup_printf ("Goal number %u in my own words", i + 1);
      KithGoal goal = { NULL, text, (char *) (i % 2 ? "their son" : "the person"),
                        (char *) "Peggy tells us at the review", NULL, FALSE };

      g_ptr_array_add (goal_ids, kith_care_plan_add_goal (plan, &goal, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < n_actions; i++)
    {
      static const KithOwnerKind kinds[] = { KITH_OWNER_PROFESSIONAL, KITH_OWNER_PERSON, KITH_OWNER_CARER };
      static const KithActionStatus statuses[] = { KITH_ACTION_NOT_STARTED, KITH_ACTION_IN_PROGRESS,
                                                   KITH_ACTION_DONE };
      g_autofree char *text = g_strdup_printf ("Action %u: practise the exercises on the sheet", i + 1);
      KithAction action = { NULL, text, kinds[i % 3],
                            (char *) (i % 3 == 0 ? "Dr Amir Khan" : i % 3 == 2 ? SON : "the person"),
                            (char *) (i % 2 ? "2026-04-15" : NULL), statuses[i % 3],
                            goal_ids->len ? goal_ids->pdata[i % goal_ids->len] : NULL };
      g_autofree char *id = kith_care_plan_add_action (plan, &action, &error);

      g_assert_no_error (error);
    }

  g_assert_true (kith_care_plan_save (plan, f->store, "Nurse Hughes", &error));
  g_assert_no_error (error);
  loaded = kith_care_plan_load_current (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  return loaded;
}

static KithPatient *
load_patient (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  KithPatient *patient = kith_store_load_patient (f->store, f->patient_id, &error);

  g_assert_no_error (error);
  return patient;
}

static gboolean
have_pdftotext (void)
{
  g_autofree char *found = g_find_program_in_path ("pdftotext");

  if (found == NULL)
    g_test_skip ("pdftotext is not installed (Debian package poppler-utils)");
  return found != NULL;
}

/* The text of pages @first to @last (0: to the end), whitespace made single
 * spaces so that a phrase wrapped across lines still matches. */
static char *
pdf_text (const char *path,
          guint       first,
          guint       last,
          gboolean    bbox)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);
  int status = 0;

  g_ptr_array_add (argv, g_strdup ("pdftotext"));
  if (bbox)
    g_ptr_array_add (argv, g_strdup ("-bbox"));
  if (first)
    {
      g_ptr_array_add (argv, g_strdup ("-f"));
      g_ptr_array_add (argv, g_strdup_printf ("%u", first));
    }
  if (last)
    {
      g_ptr_array_add (argv, g_strdup ("-l"));
      g_ptr_array_add (argv, g_strdup_printf ("%u", last));
    }
  g_ptr_array_add (argv, g_strdup ("-enc"));
  g_ptr_array_add (argv, g_strdup ("UTF-8"));
  g_ptr_array_add (argv, g_strdup (path));
  g_ptr_array_add (argv, g_strdup ("-"));
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("pdftotext %s: %s: %s", path, error->message, err);
  if (bbox)
    return g_steal_pointer (&out);
  return g_regex_replace_literal (spaces, out, -1, 0, " ", 0, NULL);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” is not in the text:\n%s", needle, haystack);
}

static gsize
position_of (const char *haystack,
             const char *needle)
{
  const char *found = strstr (haystack, needle);

  if (found == NULL)
    g_error ("“%s” is not in the text:\n%s", needle, haystack);
  return found - haystack;
}

static char *
export (Fixture                       *f,
        KithCarePlan                  *plan,
        const KithPlanDocumentOptions *options,
        const char                    *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = load_patient (f);
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (kith_plan_document_export_pdf (plan, patient, options, path, &error));
  g_assert_no_error (error);
  return path;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Median height of the words on the pages, in points: most words are body text. */
static double
median_word_height (const char *bbox_html)
{
  g_autoptr(GRegex) word = g_regex_new ("<word xMin=\"[0-9.]+\" yMin=\"([0-9.]+)\" "
                                        "xMax=\"[0-9.]+\" yMax=\"([0-9.]+)\">", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GArray) heights = g_array_new (FALSE, FALSE, sizeof (double));

  g_regex_match (word, bbox_html, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *y0 = g_match_info_fetch (match, 1);
      g_autofree char *y1 = g_match_info_fetch (match, 2);
      double height = g_ascii_strtod (y1, NULL) - g_ascii_strtod (y0, NULL);

      g_array_append_val (heights, height);
      g_match_info_next (match, NULL);
    }
  g_assert_cmpuint (heights->len, >, 50);
  g_array_sort (heights, compare_doubles);
  return g_array_index (heights, double, heights->len / 2);
}

static void
test_page_one (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = make_plan (f, 3, 6, FALSE);
  KithPlanDocumentOptions options = { FALSE, FALSE, "2026-03-03" };
  g_autofree char *path = NULL;
  g_autofree char *page1 = NULL;

  if (!have_pdftotext ())
    return;
  path = export (f, plan, &options, "plan.pdf");
  page1 = pdf_text (path, 1, 1, FALSE);

  assert_contains (page1, "My care and support plan");
  assert_contains (page1, "Margaret Smith — likes to be called Peggy");
  assert_contains (page1, "943 476 5919");
  assert_contains (page1, "12 May 1941");
  /* "I always knew who was the main person in charge of my care." */
  assert_contains (page1, "One person to call");
  assert_contains (page1, COORDINATOR);
  assert_contains (page1, COORDINATOR_PHONE);
  assert_contains (page1, "Monday to Friday, 9am to 5pm");
  /* "I know what to do if things change or go wrong." */
  assert_contains (page1, "If things go wrong");
  assert_contains (page1, SON);
  assert_contains (page1, SON_PHONE);
  assert_contains (page1, NIGHT_TEAM);
  assert_contains (page1, NIGHT_PHONE);
  assert_contains (page1, "Draft — not yet agreed with you");
  /* The co-ordinator first unless the person chose otherwise */
  g_assert_cmpuint (position_of (page1, "One person to call"), <, position_of (page1, "If things go wrong"));
}

static void
test_crisis_first (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = make_plan (f, 3, 6, FALSE);
  KithPlanDocumentOptions options = { FALSE, TRUE, "2026-03-03" };
  g_autofree char *path = NULL;
  g_autofree char *page1 = NULL;
  g_autofree char *large = NULL;
  g_autofree char *large1 = NULL;
  g_autofree char *all = NULL;

  if (!have_pdftotext ())
    return;
  path = export (f, plan, &options, "plan.pdf");
  page1 = pdf_text (path, 1, 1, FALSE);
  g_assert_cmpuint (position_of (page1, "If things go wrong"), <, position_of (page1, "One person to call"));
  g_assert_cmpuint (position_of (page1, "My care and support plan"), <, position_of (page1, "If things go wrong"));
  assert_contains (page1, COORDINATOR_PHONE);
  assert_contains (page1, SON_PHONE);
  assert_contains (page1, NIGHT_PHONE);

  /* Large print too: the numbers to call, the co-ordinator's among them,
   * stay on the first page even when the co-ordinator box moves on. */
  options.large_print = TRUE;
  large = export (f, plan, &options, "large.pdf");
  large1 = pdf_text (large, 1, 1, FALSE);
  all = pdf_text (large, 0, 0, FALSE);
  g_assert_cmpuint (position_of (all, "If things go wrong"), <, position_of (all, "One person to call"));
  assert_contains (large1, SON_PHONE);
  assert_contains (large1, NIGHT_PHONE);
  assert_contains (large1, COORDINATOR);
  assert_contains (large1, COORDINATOR_PHONE);
}

/* No options: the person's own printing preference saved with the plan. */
static void
test_crisis_first_from_plan (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = make_plan (f, 1, 1, FALSE);
  g_autoptr(KithPatient) patient = load_patient (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "plan.pdf", NULL);
  g_autofree char *page1 = NULL;

  if (!have_pdftotext ())
    return;
  kith_care_plan_set_crisis_first (plan, TRUE);
  g_assert_true (kith_plan_document_export_pdf (plan, patient, NULL, path, &error));
  g_assert_no_error (error);
  page1 = pdf_text (path, 1, 1, FALSE);
  g_assert_cmpuint (position_of (page1, "If things go wrong"), <, position_of (page1, "One person to call"));
}

static void
test_content (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = make_plan (f, 4, 8, FALSE);
  g_autoptr(KithPatient) patient = load_patient (f);
  KithPlanDocumentOptions options = { FALSE, FALSE, "2026-03-03" };
  g_autoptr(KithPlanDocument) document = NULL;
  g_autoptr(GRegex) uuid = g_regex_new ("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                                        G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GPtrArray) goals = kith_care_plan_list_goals (plan);
  g_autoptr(GPtrArray) actions = kith_care_plan_list_actions (plan);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *footer = NULL;
  static const char *codes[] = {
    "http", "urn:", "LA65", "CarePlan", "Patient/", "coordinator", "in-progress", "not-started",
    "social-worker", "KITH_", "(null)", "valueString", "{", "}",
  };
  guint n_pages;

  if (!have_pdftotext ())
    return;
  path = export (f, plan, &options, "plan.pdf");
  text = pdf_text (path, 0, 0, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (goal_texts); i++)
    assert_contains (text, goal_texts[i]);
  for (guint i = 0; i < actions->len; i++)
    assert_contains (text, ((KithAction *) actions->pdata[i])->text);
  assert_contains (text, "Said by you");
  assert_contains (text, "Said by your son");
  assert_contains (text, "Who: You");
  assert_contains (text, "Who: Your carer, " SON);
  assert_contains (text, "Who: Dr Amir Khan");
  assert_contains (text, "By 15 April 2026");
  assert_contains (text, "Not started");
  assert_contains (text, "Under way");
  assert_contains (text, "Done");
  assert_contains (text, "Peggy");
  assert_contains (text, "About me");
  assert_contains (text, "I was a school cook");
  assert_contains (text, "What matters to me");
  assert_contains (text, "Support and services");
  assert_contains (text, "My medicines");
  assert_contains (text, "My care team");
  assert_contains (text, "Sharing my information");
  assert_contains (text, "When we will look at this plan again");
  assert_contains (text, "by 3 March 2027");
  assert_contains (text, "hospital");
  assert_contains (text, "new home");

  /* No codes, no ids: the person's words only. */
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (strstr (text, codes[i]))
      g_error ("code “%s” in the printed plan:\n%s", codes[i], text);
  g_assert_false (g_regex_match (uuid, text, 0, NULL));
  g_assert_null (strstr (text, kith_care_plan_get_id (plan)));
  g_assert_null (strstr (text, f->patient_id));
  for (guint i = 0; i < goals->len; i++)
    g_assert_null (strstr (text, ((KithGoal *) goals->pdata[i])->id));

  /* The footer, on every page */
  document = kith_plan_document_new (plan, patient, &options, KITH_PLAN_DOCUMENT_A4_WIDTH,
                                     KITH_PLAN_DOCUMENT_A4_HEIGHT);
  n_pages = kith_plan_document_get_n_pages (document);
  g_assert_cmpuint (n_pages, >=, 2);
  for (guint page = 1; page <= n_pages; page++)
    {
      g_autofree char *page_text = pdf_text (path, page, page, FALSE);
      g_autoptr(GDateTime) updated = g_date_time_new_from_iso8601 (kith_fhir_get_last_updated (kith_care_plan_get_json (plan)), NULL);
      g_autoptr(GDateTime) local = g_date_time_to_local (updated);
      g_autofree char *changed = g_date_time_format (local, "%-d %B %Y");
      g_autofree char *expected = g_strdup_printf ("Printed on 3 March 2026 · Plan of %s · Page %u of %u",
                                                   changed, page, n_pages);

      assert_contains (page_text, expected);
      /* A version id ("12.L3" before it syncs) means nothing to the person. */
      g_assert_null (strstr (page_text, "Plan version"));
    }
  footer = pdf_text (path, 1, 1, FALSE);
  assert_contains (footer, "Page 1 of");
}

/* "How I am doing": the person's trends on a page of their own at the end,
 * only when asked for. */
static void
test_trends_page (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = make_plan (f, 2, 2, FALSE);
  g_autoptr(KithPatient) patient = load_patient (f);
  g_autoptr(GPtrArray) trends = NULL;
  g_autoptr(KithPlanDocument) without = NULL;
  g_autoptr(KithPlanDocument) with = NULL;
  KithPlanDocumentOptions options = { FALSE, FALSE, "2026-03-03" };
  g_autofree char *path = NULL;
  g_autofree char *last = NULL;
  guint n_pages;
  static const struct { const char *when; int value; } scores[] = {
    { "2026-01-10T09:30:00Z", 18 }, { "2026-03-03T10:00:00Z", 12 }, { "2026-05-20T10:00:00Z", 6 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (scores); i++)
    {
      g_autofree char *id = kith_fhir_new_id ();
      g_autofree char *json = g_strdup_printf (
        "{\"resourceType\":\"Observation\",\"id\":\"%s\",\"status\":\"final\","
        "\"code\":{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/score\","
        "\"code\":\"phq-9/total\"}]},\"subject\":{\"reference\":\"Patient/%s\"},"
        "\"effectiveDateTime\":\"%s\",\"valueInteger\":%d}", id, f->patient_id, scores[i].when, scores[i].value);
      g_autoptr(JsonObject) observation = kith_fhir_parse_resource (json, -1, &error);

      g_assert_no_error (error);
      g_assert_true (kith_store_save_resource (f->store, observation, NULL, &error));
      g_assert_no_error (error);
    }
  trends = kith_progress_list_series (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trends->len, ==, 1);

  without = kith_plan_document_new (plan, patient, &options, KITH_PLAN_DOCUMENT_A4_WIDTH,
                                    KITH_PLAN_DOCUMENT_A4_HEIGHT);
  options.include_trends = TRUE;
  options.trends = trends;
  with = kith_plan_document_new (plan, patient, &options, KITH_PLAN_DOCUMENT_A4_WIDTH,
                                 KITH_PLAN_DOCUMENT_A4_HEIGHT);
  n_pages = kith_plan_document_get_n_pages (with);
  g_assert_cmpuint (n_pages, ==, kith_plan_document_get_n_pages (without) + 1);

  if (!have_pdftotext ())
    return;
  path = export (f, plan, &options, "plan.pdf");
  last = pdf_text (path, n_pages, n_pages, FALSE);
  assert_contains (last, "How I am doing");
  assert_contains (last, "PHQ-9 (depression)");
  assert_contains (last, "Moderately severe");   /* a band, in words */
  assert_contains (last, "20 May 2026");
  g_assert_null (strstr (last, "phq-9/total"));

  /* Asked for with nothing recorded: the page says so. */
  {
    g_autoptr(GPtrArray) none = g_ptr_array_new ();
    g_autofree char *empty_path = NULL;
    g_autofree char *empty_last = NULL;

    options.trends = none;
    empty_path = export (f, plan, &options, "plan-empty.pdf");
    empty_last = pdf_text (empty_path, n_pages, n_pages, FALSE);
    assert_contains (empty_last, "No scores recorded yet");
  }
}

static void
test_empty_plan (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = make_plan (f, 0, 0, TRUE);
  KithPlanDocumentOptions options = { FALSE, FALSE, "2026-03-03" };
  g_autofree char *path = NULL;
  g_autofree char *page1 = NULL;
  g_autofree char *text = NULL;

  if (!have_pdftotext ())
    return;
  path = export (f, plan, &options, "plan.pdf");
  page1 = pdf_text (path, 1, 1, FALSE);
  text = pdf_text (path, 0, 0, FALSE);
  assert_contains (page1, "One person to call");
  assert_contains (page1, "No co-ordinator named yet — ask your GP practice");
  assert_contains (page1, "If things go wrong");
  assert_contains (page1, "999");
  assert_contains (page1, "Draft — not yet agreed with you");
  assert_contains (text, "Nothing written here yet");
  assert_contains (text, "My goals");
  assert_contains (text, "What we will do");
}

static void
test_agreed (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = make_plan (f, 1, 1, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPlanDocument) document = NULL;
  KithPlanDocumentOptions options = { FALSE, FALSE, NULL };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *iso_today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *today = kith_plan_document_format_date (iso_today);
  g_autofree char *path = NULL;
  g_autofree char *page1 = NULL;
  g_autofree char *text = NULL;
  g_autofree char *agreed = NULL;

  if (!have_pdftotext ())
    return;
  g_assert_true (kith_care_plan_agree (plan, "Jane Smith (daughter)", TRUE, "in person at home", &error));
  g_assert_no_error (error);
  g_assert_true (kith_care_plan_save (plan, f->store, "Nurse Hughes", &error));
  g_assert_no_error (error);

  path = export (f, plan, &options, "plan.pdf");
  page1 = pdf_text (path, 1, 1, FALSE);
  text = pdf_text (path, 0, 0, FALSE);
  agreed = g_strdup_printf ("Agreed on your behalf by Jane Smith (daughter) on %s", today);
  assert_contains (page1, agreed);
  g_assert_null (strstr (text, "Draft"));
  /* printed_on NULL: today */
  {
    g_autofree char *printed = g_strdup_printf ("Printed on %s", today);

    assert_contains (page1, printed);
  }
}

static void
test_large_print (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = make_plan (f, 4, 10, FALSE);
  KithPlanDocumentOptions options = { FALSE, FALSE, "2026-03-03" };
  g_autofree char *normal_path = NULL;
  g_autofree char *large_path = NULL;
  g_autofree char *normal = NULL;
  g_autofree char *large = NULL;
  double normal_height, large_height;

  if (!have_pdftotext ())
    return;
  normal_path = export (f, plan, &options, "normal.pdf");
  options.large_print = TRUE;
  large_path = export (f, plan, &options, "large.pdf");
  normal = pdf_text (normal_path, 0, 0, TRUE);
  large = pdf_text (large_path, 0, 0, TRUE);
  normal_height = median_word_height (normal);
  large_height = median_word_height (large);
  g_test_message ("median word height: normal %.1f pt, large print %.1f pt", normal_height, large_height);
  g_assert_cmpfloat (large_height, >=, 16.0);
  g_assert_cmpfloat (normal_height, <, 15.0);
  g_assert_cmpfloat (normal_height, >=, 11.0);   /* no tiny print either */
}

static void
test_file_mode_and_failure (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = make_plan (f, 1, 1, FALSE);
  g_autoptr(KithPatient) patient = load_patient (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *missing_dir = g_build_filename (f->dir, "no-such-dir", NULL);
  g_autofree char *missing = g_build_filename (missing_dir, "plan.pdf", NULL);
  g_autofree char *locked_dir = g_build_filename (f->dir, "locked", NULL);
  g_autofree char *locked = g_build_filename (locked_dir, "plan.pdf", NULL);
  mode_t old_umask = umask (0);
  GStatBuf st;

  /* Personal data: the owner only, even with a permissive umask. */
  path = export (f, plan, NULL, "plan.pdf");
  umask (old_umask);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, >, 1000);

  /* Written again over an old copy: still 0600, and whole. */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_true (kith_plan_document_export_pdf (plan, patient, NULL, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_false (kith_plan_document_export_pdf (plan, patient, NULL, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  /* A directory nobody may write to (root may write anywhere: skip that part). */
  g_assert_cmpint (g_mkdir (locked_dir, 0500), ==, 0);
  if (geteuid () != 0)
    {
      g_autoptr(GDir) dir = NULL;

      g_assert_false (kith_plan_document_export_pdf (plan, patient, NULL, locked, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_false (g_file_test (locked, G_FILE_TEST_EXISTS));
      dir = g_dir_open (locked_dir, 0, NULL);
      g_assert_null (g_dir_read_name (dir));   /* no temporary file left either */
    }
  g_assert_cmpint (g_chmod (locked_dir, 0700), ==, 0);
}

/* Only the PDF: no temporary files left beside it. */
static void
test_no_leftovers (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = make_plan (f, 1, 1, FALSE);
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *path = g_build_filename (out_dir, "plan.pdf", NULL);
  g_autoptr(KithPatient) patient = load_patient (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n = 0;

  g_assert_cmpint (g_mkdir (out_dir, 0700), ==, 0);
  g_assert_true (kith_plan_document_export_pdf (plan, patient, NULL, path, &error));
  g_assert_no_error (error);
  dir = g_dir_open (out_dir, 0, &error);
  while ((name = g_dir_read_name (dir)))
    {
      g_assert_cmpstr (name, ==, "plan.pdf");
      n++;
    }
  g_assert_cmpuint (n, ==, 1);
}

static void
test_big_plan (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = make_plan (f, 20, 60, FALSE);
  g_autoptr(KithPatient) patient = load_patient (f);
  g_autoptr(GError) error = NULL;
  KithPlanDocumentOptions options = { FALSE, FALSE, "2026-03-03" };
  g_autofree char *path = g_build_filename (f->dir, "big.pdf", NULL);
  g_autofree char *text = NULL;
  gint64 best = G_MAXINT64;

  for (guint large = 0; large < 2; large++)
    for (guint run = 0; run < 3; run++)
      {
        gint64 start = g_get_monotonic_time ();

        options.large_print = large;
        g_assert_true (kith_plan_document_export_pdf (plan, patient, &options, path, &error));
        g_assert_no_error (error);
        best = MIN (best, g_get_monotonic_time () - start);
        if (run == 2)
          g_test_message ("20 goals, 60 actions, %s: best %.0f ms", large ? "large print" : "normal print",
                          best / 1000.0);
        if (run == 2)
          best = G_MAXINT64;
      }

  if (!have_pdftotext ())
    return;
  text = pdf_text (path, 0, 0, FALSE);
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *action = g_strdup_printf ("Action %u: practise the exercises on the sheet", i + 1);

      assert_contains (text, action);
    }
  assert_contains (text, "Goal number 20 in my own words");
}

/* Drawing a page through the API a GtkPrintOperation uses. */
static void
test_draw_page (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = make_plan (f, 3, 6, FALSE);
  g_autoptr(KithPatient) patient = load_patient (f);
  KithPlanDocumentOptions options = { TRUE, FALSE, "2026-03-03" };
  g_autoptr(KithPlanDocument) letter = NULL;
  g_autoptr(KithPlanDocument) a4 = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 612, 792);
  cairo_t *cr = cairo_create (surface);

  a4 = kith_plan_document_new (plan, patient, &options, KITH_PLAN_DOCUMENT_A4_WIDTH,
                               KITH_PLAN_DOCUMENT_A4_HEIGHT);
  letter = kith_plan_document_new (plan, patient, &options, 612, 792);
  g_assert_cmpuint (kith_plan_document_get_n_pages (a4), >=, 2);
  g_assert_cmpuint (kith_plan_document_get_n_pages (letter), >=, 2);
  for (guint i = 0; i < kith_plan_document_get_n_pages (letter); i++)
    kith_plan_document_draw_page (letter, cr, i);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_format_date (void)
{
  g_autofree char *a = kith_plan_document_format_date ("2027-03-03");
  g_autofree char *b = kith_plan_document_format_date ("1941-12-25");
  g_autofree char *c = kith_plan_document_format_date ("2027-02-30");
  g_autofree char *d = kith_plan_document_format_date ("soon");

  g_assert_cmpstr (a, ==, "3 March 2027");
  g_assert_cmpstr (b, ==, "25 December 1941");
  g_assert_null (c);
  g_assert_null (d);
}

/* kith-tool export-plan */

static const char *
kith_tool_path (void)
{
  static char *path;

  if (path == NULL)
    {
      const char *env = g_getenv ("KITH_TOOL");
      const char *build = g_getenv ("KITH_BUILD_ROOT");

      if (env)
        path = g_strdup (env);
      else if (build)
        path = g_build_filename (build, "src", "tools", "kith-tool", NULL);
    }
  return path;
}

static int
run_tool (char **err_out,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (gpointer) kith_tool_path ());
  g_ptr_array_add (argv, (gpointer) "export-plan");
  va_start (args, err_out);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  if (err_out)
    *err_out = g_steal_pointer (&err);
  return WEXITSTATUS (status);
}

static void
test_kith_tool (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(KithCarePlan) plan = NULL;
  g_autofree char *pdf = g_build_filename (f->dir, "tool.pdf", NULL);
  g_autofree char *pdf2 = g_build_filename (f->dir, "tool-profile.pdf", NULL);
  g_autofree char *missing_store = g_build_filename (f->dir, "nothing-here.db", NULL);
  g_autofree char *err = NULL;
  g_autofree char *pdftotext = NULL;
  GStatBuf st;

  if (kith_tool_path () == NULL || !g_file_test (kith_tool_path (), G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("kith-tool not found: set KITH_TOOL or KITH_BUILD_ROOT");
      return;
    }
  plan = make_plan (f, 2, 3, FALSE);
  /* The tool opens the store itself. */
  g_clear_object (&f->store);

  g_assert_cmpint (run_tool (NULL, "--store", f->path, "--person", f->patient_id, "--pdf", pdf,
                             "--large-print", "--crisis-first", NULL), ==, 0);
  g_assert_cmpint (g_stat (pdf, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, >, 1000);
  if ((pdftotext = g_find_program_in_path ("pdftotext")))
    {
      g_autofree char *page1 = pdf_text (pdf, 1, 1, FALSE);
      g_autofree char *all = pdf_text (pdf, 0, 0, FALSE);

      g_assert_cmpuint (position_of (all, "If things go wrong"), <, position_of (all, "One person to call"));
      assert_contains (page1, COORDINATOR_PHONE);
      assert_contains (page1, SON_PHONE);
    }

  g_assert_cmpint (run_tool (NULL, "--profile", f->dir, "--person", f->patient_id, "--pdf", pdf2, NULL), ==, 0);
  g_assert_true (g_file_test (pdf2, G_FILE_TEST_IS_REGULAR));

  /* The input is wrong: 1, said plainly */
  g_assert_cmpint (run_tool (&err, "--store", f->path, "--person", "no-such-person", "--pdf", pdf, NULL), ==, 1);
  assert_contains (err, "no-such-person");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_tool (&err, "--store", f->path, "--person", f->other_id, "--pdf", pdf, NULL), ==, 1);
  assert_contains (err, "no current care plan");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_tool (&err, "--store", missing_store, "--person", f->patient_id, "--pdf", pdf, NULL), ==, 1);
  assert_contains (err, "no store");
  g_clear_pointer (&err, g_free);
  g_assert_false (g_file_test (missing_store, G_FILE_TEST_EXISTS));   /* not created */
  {
    g_autofree char *junk = g_build_filename (f->dir, "junk.db", NULL);

    g_assert_true (g_file_set_contents (junk, "this is not a database, it is a shopping list", -1, NULL));
    g_assert_cmpint (run_tool (&err, "--store", junk, "--person", f->patient_id, "--pdf", pdf, NULL), ==, 1);
    g_clear_pointer (&err, g_free);
  }
  {
    g_autofree char *nowhere = g_build_filename (f->dir, "no-such-dir", "plan.pdf", NULL);

    g_assert_cmpint (run_tool (&err, "--store", f->path, "--person", f->patient_id, "--pdf", nowhere, NULL), ==, 1);
    g_clear_pointer (&err, g_free);
  }

  /* The command line is wrong: 2 */
  g_assert_cmpint (run_tool (NULL, NULL), ==, 2);
  g_assert_cmpint (run_tool (NULL, "--store", f->path, "--person", f->patient_id, NULL), ==, 2);
  g_assert_cmpint (run_tool (NULL, "--store", f->path, "--pdf", pdf, NULL), ==, 2);
  g_assert_cmpint (run_tool (NULL, "--store", f->path, "--profile", f->dir, "--person", f->patient_id,
                             "--pdf", pdf, NULL), ==, 2);
  g_assert_cmpint (run_tool (NULL, "--store", f->path, "--person", f->patient_id, "--pdf", pdf,
                             "--colour", NULL), ==, 2);
  g_assert_cmpint (run_tool (NULL, "--store", f->path, "--person", f->patient_id, "--pdf", NULL), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/plan-document/format-date", test_format_date);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/plan-document/page-one", test_page_one);
  ADD ("/plan-document/crisis-first", test_crisis_first);
  ADD ("/plan-document/crisis-first-from-plan", test_crisis_first_from_plan);
  ADD ("/plan-document/content", test_content);
  ADD ("/plan-document/empty-plan", test_empty_plan);
  ADD ("/plan-document/trends-page", test_trends_page);
  ADD ("/plan-document/agreed", test_agreed);
  ADD ("/plan-document/large-print", test_large_print);
  ADD ("/plan-document/file-mode-and-failure", test_file_mode_and_failure);
  ADD ("/plan-document/no-leftovers", test_no_leftovers);
  ADD ("/plan-document/big-plan", test_big_plan);
  ADD ("/plan-document/draw-page", test_draw_page);
  ADD ("/plan-document/kith-tool", test_kith_tool);
#undef ADD

  status = g_test_run ();

  /* Let go of the font caches, so a leak check sees only our own leaks
   * (fontconfig's own, from reading its configuration, is in lsan.supp). */
  pango_cairo_font_map_set_default (NULL);
  return status;
}
