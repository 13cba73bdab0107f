/* test-sharing.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The person's sharing choices in a real sqlite store: none at first;
 * recorded only with their words; read back as recorded; a new set
 * replaces the old, which stays in the history; and what is withheld is
 * withheld from the people it names.
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kith-core.h"

typedef struct
{
  char      *dir;
  KithStore *store;
  char      *patient_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();

  f->dir = g_dir_make_tmp ("kith-sharing-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);
  kith_patient_set_family (patient, "Mensah");
  kith_patient_set_given (patient, "Ama");
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  f->patient_id = g_strdup (kith_patient_get_id (patient));
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

#define WORDS "I don't want the social workers reading about my depression."
#define SW    KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_MENTAL_HEALTH)

static void
test_none_then_saved (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithConsent) none = kith_sharing_load (f->store, f->patient_id, &error);
  g_autoptr(KithConsent) consent = kith_consent_new (f->patient_id);
  g_autoptr(KithConsent) loaded = NULL;
  const KithConsentRule *rule;

  g_assert_no_error (error);
  g_assert_null (none);

  /* Their words are required. */
  kith_consent_add_rule (consent, FALSE, NULL, "social-worker", SW);
  g_assert_false (kith_sharing_save (f->store, consent, "Nurse Rowe", &error));
  g_assert_error (error, KITH_CONSENT_ERROR, KITH_CONSENT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (kith_store_count_resources (f->store, "Consent"), ==, 0);

  consent->own_words = g_strdup ("  " WORDS "  ");
  g_assert_true (kith_sharing_save (f->store, consent, "Nurse Rowe", &error));
  g_assert_no_error (error);
  g_assert_nonnull (consent->id);

  loaded = kith_sharing_load (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (loaded->id, ==, consent->id);
  g_assert_cmpstr (loaded->own_words, ==, WORDS);
  g_assert_cmpstr (loaded->recorded_by, ==, "Nurse Rowe");
  g_assert_true (loaded->share_by_default);
  g_assert_cmpuint (loaded->rules->len, ==, 1);
  rule = loaded->rules->pdata[0];
  g_assert_false (rule->permit);
  g_assert_cmpstr (rule->role, ==, "social-worker");
  g_assert_null (rule->team);
  g_assert_cmpuint (rule->sections, ==, SW);

  /* A social worker in the person's own team is refused, in words; a nurse is not. */
  g_assert_cmpint (kith_consent_decide (loaded, "social-worker", "North", "Sam Bell", "North", "Tunde Afolabi",
                                        KITH_RECORD_SECTION_MENTAL_HEALTH), ==,
                   KITH_ACCESS_DENY_WITHHELD_BY_PERSON);
  g_assert_cmpint (kith_consent_decide (loaded, "social-worker", "North", "Sam Bell", "North", "Tunde Afolabi",
                                        KITH_RECORD_SECTION_GENERAL), ==, KITH_ACCESS_PERMIT);
}

static void
test_replaced (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithConsent) first = kith_consent_new (f->patient_id);
  g_autoptr(KithConsent) second = kith_consent_new (f->patient_id);
  g_autoptr(KithConsent) loaded = NULL;
  g_autoptr(KithConsent) old = NULL;
  g_autoptr(GPtrArray) history = NULL;

  first->own_words = g_strdup (WORDS);
  kith_consent_add_rule (first, FALSE, NULL, "social-worker", SW);
  g_assert_true (kith_sharing_save (f->store, first, "Nurse Rowe", &error));
  g_assert_no_error (error);

  second->own_words = g_strdup ("The nurses at the hospice can see everything.");
  kith_consent_add_rule (second, TRUE, "Hospice at home", "nurse", 0);
  g_assert_true (kith_sharing_save (f->store, second, "Dr Shah", &error));
  g_assert_no_error (error);

  loaded = kith_sharing_load (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  /* One Consent, a new version: the server keeps one active a person. */
  g_assert_cmpstr (second->id, ==, first->id);
  g_assert_cmpstr (loaded->id, ==, first->id);
  g_assert_cmpint (kith_store_count_resources (f->store, "Consent"), ==, 1);
  g_assert_cmpuint (loaded->rules->len, ==, 1);
  g_assert_true (((KithConsentRule *) loaded->rules->pdata[0])->permit);
  g_assert_cmpstr (loaded->recorded_by, ==, "Dr Shah");
  /* Their earlier choice now gives way. */
  g_assert_cmpint (kith_consent_decide (loaded, "nurse", "Hospice at home", "Jo Reid", "North", NULL,
                                        KITH_RECORD_SECTION_MENTAL_HEALTH), ==, KITH_ACCESS_PERMIT);

  /* The earlier choices stay in the history, in the person's words. */
  history = kith_store_list_history (f->store, "Consent", first->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  old = kith_consent_from_fhir (history->pdata[0], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (old->own_words, ==, WORDS);
}

static void
test_describe (Fixture       *f,
               gconstpointer  data)
{
  KithConsentRule withhold = { FALSE, NULL, (char *) "social-worker", SW };
  KithConsentRule allow = { TRUE, (char *) "Hospice at home", NULL, 0 };
  KithConsentRule both = { TRUE, (char *) "South locality team", (char *) "nurse",
                           KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_SAFEGUARDING) |
                           KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_GENERAL) };
  g_autofree char *a = kith_sharing_describe_rule (&withhold);
  g_autofree char *b = kith_sharing_describe_rule (&allow);
  g_autofree char *c = kith_sharing_describe_rule (&both);

  g_assert_true (g_str_has_prefix (a, "Withhold "));
  g_assert_nonnull (strstr (a, "from: Social worker in any team"));
  g_assert_cmpstr (b, ==, "Allow the whole record to: anyone in Hospice at home");
  g_assert_true (g_str_has_prefix (c, "Allow "));
  g_assert_nonnull (strstr (c, "to: Nurse in South locality team"));
  g_assert_nonnull (strstr (c, ", "));

  /* Every part ticked is the whole record. */
  both.sections = 0x1e;
  g_free (c);
  c = kith_sharing_describe_rule (&both);
  g_assert_cmpstr (c, ==, "Allow the whole record to: Nurse in South locality team");
}

static void
test_describe_withheld (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  KithWithheld a = { (char *) "Observation", (char *) "withheld-at-request", (char *) "mental-health", 2 };
  KithWithheld b = { (char *) "QuestionnaireResponse", (char *) "withheld-at-request", (char *) "mental-health", 1 };
  KithWithheld c = { (char *) "Flag", (char *) "restricted", NULL, 1 };
  g_autofree char *none = NULL;
  g_autofree char *text = NULL;

  none = kith_sharing_describe_withheld (items);
  g_assert_cmpstr (none, ==, "");
  g_ptr_array_add (items, &a);
  g_ptr_array_add (items, &b);
  g_ptr_array_add (items, &c);
  text = kith_sharing_describe_withheld (items);
  g_assert_cmpstr (text, ==, "At the person’s request: 3 items (mental health). "
                             "Restricted to their GP and named co-ordinator: 1 item.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sharing/none-then-saved", test_none_then_saved);
  ADD ("/sharing/replaced", test_replaced);
  ADD ("/sharing/describe", test_describe);
  ADD ("/sharing/describe-withheld", test_describe_withheld);
#undef ADD

  return g_test_run ();
}
