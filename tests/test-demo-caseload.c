/* test-demo-caseload.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kith-core.h"

typedef struct
{
  GChecksum  *checksum;
  GHashTable *types;        /* type → count */
  GHashTable *nhs_numbers;  /* set */
  GHashTable *plan_states;  /* set */
  GHashTable *response_states;
  guint       invalid_nhs;
} Census;

static void
count_resource (JsonObject *resource,
                gpointer    user_data)
{
  Census *census = user_data;
  g_autofree char *json = kith_fhir_to_string (resource, FALSE);
  const char *type = kith_fhir_get_string (resource, "resourceType");

  g_checksum_update (census->checksum, (guchar *) json, -1);
  g_hash_table_insert (census->types, g_strdup (type),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (census->types, type)) + 1));

  if (strcmp (type, "Patient") == 0)
    {
      g_autoptr(KithPatient) patient = kith_patient_new_from_json (resource, NULL);
      const char *nhs = kith_patient_get_nhs_number (patient);

      g_assert_nonnull (patient);
      g_assert_true (kith_patient_validate (patient, NULL));
      if (!kith_nhs_number_is_valid (nhs) || !g_str_has_prefix (nhs, "999"))
        census->invalid_nhs++;
      g_assert_false (g_hash_table_contains (census->nhs_numbers, nhs));
      g_hash_table_add (census->nhs_numbers, g_strdup (nhs));
    }
  else if (strcmp (type, "CarePlan") == 0)
    {
      g_autoptr(KithCarePlan) plan = kith_care_plan_new_from_json (resource, NULL);

      /* Demo plans are in the shape Kith writes: a named co-ordinator, goals. */
      g_assert_nonnull (plan);
      g_assert_nonnull (kith_care_plan_get_coordinator (plan));
      g_hash_table_add (census->plan_states, g_strdup (kith_care_plan_state_to_string (kith_care_plan_get_state (plan))));
    }
  else if (strcmp (type, "QuestionnaireResponse") == 0 &&
           g_strcmp0 (kith_fhir_get_string (resource, "questionnaire"), KITH_HOLISTIC_ASSESSMENT_URL) == 0)
    g_hash_table_add (census->response_states, g_strdup (kith_fhir_get_string (resource, "status")));
}

static Census *
census_new (void)
{
  Census *census = g_new0 (Census, 1);

  census->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  census->types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  census->nhs_numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  census->plan_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  census->response_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return census;
}

static void
census_free (Census *census)
{
  g_checksum_free (census->checksum);
  g_hash_table_unref (census->types);
  g_hash_table_unref (census->nhs_numbers);
  g_hash_table_unref (census->plan_states);
  g_hash_table_unref (census->response_states);
  g_free (census);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Census, census_free)

static guint
type_count (Census     *census,
            const char *type)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (census->types, type));
}

static void
test_deterministic (void)
{
  g_autoptr(Census) a = census_new ();
  g_autoptr(Census) b = census_new ();
  g_autoptr(Census) c = census_new ();

  kith_demo_caseload_generate (200, 42, count_resource, a);
  kith_demo_caseload_generate (200, 42, count_resource, b);
  kith_demo_caseload_generate (200, 43, count_resource, c);

  g_assert_cmpstr (g_checksum_get_string (a->checksum), ==, g_checksum_get_string (b->checksum));
  g_assert_cmpstr (g_checksum_get_string (a->checksum), !=, g_checksum_get_string (c->checksum));
}

static void
test_varied_and_synthetic (void)
{
  g_autoptr(Census) census = census_new ();

  kith_demo_caseload_generate (1000, 1, count_resource, census);

  g_assert_cmpuint (type_count (census, "Patient"), ==, 1000);
  g_assert_cmpuint (census->invalid_nhs, ==, 0);
  g_assert_cmpuint (g_hash_table_size (census->nhs_numbers), ==, 1000);
  /* Carers, conditions, teams, plans and assessments, in proportions a
   * co-ordinator's caseload has. */
  g_assert_cmpuint (type_count (census, "RelatedPerson"), >, 250);
  g_assert_cmpuint (type_count (census, "Condition"), >, 1000);
  g_assert_cmpuint (type_count (census, "CareTeam"), >, 600);
  g_assert_cmpuint (type_count (census, "CarePlan"), >, 400);
  g_assert_cmpuint (type_count (census, "QuestionnaireResponse"), >, 200);
  g_assert_cmpuint (type_count (census, "Practitioner"), >=, 3);
  /* Plans in every state, and assessments both finished and paused. */
  g_assert_true (g_hash_table_contains (census->plan_states, "Draft"));
  g_assert_true (g_hash_table_contains (census->plan_states, "Agreed"));
  g_assert_true (g_hash_table_contains (census->plan_states, "Under review"));
  g_assert_true (g_hash_table_contains (census->plan_states, "Ended"));
  g_assert_cmpuint (type_count (census, "Observation"), >, 200);
  g_assert_true (g_hash_table_contains (census->response_states, "completed"));
  g_assert_true (g_hash_table_contains (census->response_states, "in-progress"));
}

static void
test_fill_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-demo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autoptr(KithStore) store = kith_store_open (path, &error);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

  g_assert_no_error (error);
  g_assert_true (kith_demo_caseload_fill (store, 300, 9, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kith_store_count_resources (store, "Patient"), ==, 300);
  /* Filling again with the same seed changes nothing. */
  g_assert_true (kith_demo_caseload_fill (store, 300, 9, &error));
  g_assert_cmpint (kith_store_count_resources (store, "Patient"), ==, 300);
  g_assert_true (kith_store_check_integrity (store, &error));

  /* Every demo assessment opens in the real engine. */
  {
    g_autoptr(KithCaseload) caseload = kith_caseload_new (store);
    guint opened = 0;

    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (caseload)); i++)
      {
        g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload), i);
        g_autofree char *paused = kith_assessment_find_in_progress (store, kith_caseload_entry_get_id (entry), &error);

        g_assert_no_error (error);
        if (paused)
          {
            g_autoptr(KithAssessment) assessment = kith_assessment_open (store, paused, &error);

            g_assert_no_error (error);
            g_assert_true (kith_assessment_includes (assessment, "phq-2"));
            opened++;
          }
      }
    g_assert_cmpuint (opened, >, 0);
  }
  g_clear_object (&store);
  g_assert_cmpint (system (cmd), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/demo/deterministic", test_deterministic);
  g_test_add_func ("/demo/varied-and-synthetic", test_varied_and_synthetic);
  g_test_add_func ("/demo/fill-store", test_fill_store);

  return g_test_run ();
}
