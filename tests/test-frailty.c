/* test-frailty.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The electronic frailty index: 36 deficits, the count divided by 36, and
 * the published bands at their boundaries (clinical-content.md).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kith-core.h"

static JsonObject *
condition (const char *id,
           const char *snomed,
           const char *text,
           const char *clinical,
           const char *verification,
           const char *category)
{
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Condition\",\"id\":\"%s\","
    "\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"%s\"}]},"
    "\"verificationStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-ver-status\",\"code\":\"%s\"}]},"
    "\"category\":[{\"coding\":[{\"code\":\"%s\"}]}],"
    "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"%s\"}],\"text\":\"%s\"},"
    "\"subject\":{\"reference\":\"Patient/p1\"}}",
    id, clinical, verification, category, snomed ? snomed : "0", text);
  g_autoptr(GError) error = NULL;
  JsonObject *resource = kith_fhir_parse_resource (json, -1, &error);

  g_assert_no_error (error);
  return resource;
}

static JsonObject *
active (const char *id,
        const char *snomed,
        const char *text)
{
  return condition (id, snomed, text, "active", "confirmed", "problem-list-item");
}

static gboolean
has_deficit (KithFrailtyIndex *frailty,
             const char       *id)
{
  for (guint i = 0; i < frailty->deficits->len; i++)
    if (g_strcmp0 (((KithFrailtyDeficit *) frailty->deficits->pdata[i])->id, id) == 0)
      return TRUE;
  return FALSE;
}

/* The definition is the published one: 36 different deficits. */
static void
test_definition (void)
{
  g_assert_cmpuint (kith_frailty_n_deficit_kinds (), ==, 36);
  g_assert_nonnull (strstr (kith_frailty_source (), "Clegg"));
  g_assert_cmpstr (kith_frailty_band_id (KITH_FRAILTY_MODERATE), ==, "moderate");
}

/* Fit up to 0.12, mild up to 0.24, moderate up to 0.36, severe above. */
static void
test_bands_at_boundaries (void)
{
  g_assert_cmpint (kith_frailty_band_for_index (0.00), ==, KITH_FRAILTY_FIT);
  g_assert_cmpint (kith_frailty_band_for_index (0.12), ==, KITH_FRAILTY_FIT);
  g_assert_cmpint (kith_frailty_band_for_index (0.13), ==, KITH_FRAILTY_MILD);
  g_assert_cmpint (kith_frailty_band_for_index (0.24), ==, KITH_FRAILTY_MILD);
  g_assert_cmpint (kith_frailty_band_for_index (0.25), ==, KITH_FRAILTY_MODERATE);
  g_assert_cmpint (kith_frailty_band_for_index (0.36), ==, KITH_FRAILTY_MODERATE);
  g_assert_cmpint (kith_frailty_band_for_index (0.37), ==, KITH_FRAILTY_SEVERE);
  g_assert_cmpint (kith_frailty_band_for_index (1.00), ==, KITH_FRAILTY_SEVERE);
}

/* The count over 36, as reported to two places, and the band that gives. */
static void
test_counts (void)
{
  const struct { guint n; double index; KithFrailtyBand band; } cases[] = {
    { 0, 0.00, KITH_FRAILTY_FIT },
    { 4, 0.11, KITH_FRAILTY_FIT },        /* the most deficits still fit */
    { 5, 0.14, KITH_FRAILTY_MILD },
    { 8, 0.22, KITH_FRAILTY_MILD },
    { 9, 0.25, KITH_FRAILTY_MODERATE },
    { 13, 0.36, KITH_FRAILTY_MODERATE },  /* 0.3611, reported as 0.36 */
    { 14, 0.39, KITH_FRAILTY_SEVERE },
    { 36, 1.00, KITH_FRAILTY_SEVERE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double index = kith_frailty_index_for_count (cases[i].n);

      g_assert_cmpfloat_with_epsilon (index, cases[i].index, 1e-9);
      g_assert_cmpint (kith_frailty_band_for_index (index), ==, cases[i].band);
    }
}

/* Deficits from the record: coded or in words, each counted once, and only
 * current diagnoses. */
static void
test_from_conditions (void)
{
  g_autoptr(GPtrArray) conditions = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(KithFrailtyIndex) frailty = NULL;

  g_ptr_array_add (conditions, active ("c1", "84114007", "Heart failure"));
  g_ptr_array_add (conditions, active ("c2", "49436004", "Atrial fibrillation"));
  g_ptr_array_add (conditions, active ("c3", "13645005", "COPD"));
  g_ptr_array_add (conditions, active ("c4", "195967001", "Asthma"));          /* respiratory again */
  g_ptr_array_add (conditions, active ("c5", NULL, "Lives alone since her husband died"));
  g_ptr_array_add (conditions, active ("c6", NULL, "Had a fall in the garden"));
  g_ptr_array_add (conditions, active ("c7", NULL, "Fallopian tube cyst"));    /* not a fall */
  g_ptr_array_add (conditions, condition ("c8", "38341003", "Hypertension", "resolved", "confirmed", "problem-list-item"));
  g_ptr_array_add (conditions, condition ("c9", "64859006", "Osteoporosis", "active", "entered-in-error", "problem-list-item"));
  g_ptr_array_add (conditions, condition ("c10", "52448006", "Dementia", "active", "refuted", "problem-list-item"));
  /* Kith's own care needs are not diagnoses. */
  g_ptr_array_add (conditions, condition ("c11", NULL, "Help after falls at home", "active", "confirmed", "need"));

  frailty = kith_frailty_compute_from_resources (conditions, 4);
  g_assert_cmpuint (frailty->n_deficits, ==, 5);
  g_assert_true (has_deficit (frailty, "heart-failure"));
  g_assert_true (has_deficit (frailty, "atrial-fibrillation"));
  g_assert_true (has_deficit (frailty, "respiratory-disease"));
  g_assert_true (has_deficit (frailty, "social-vulnerability"));
  g_assert_true (has_deficit (frailty, "falls"));
  g_assert_false (has_deficit (frailty, "hypertension"));
  g_assert_false (has_deficit (frailty, "osteoporosis"));
  g_assert_false (has_deficit (frailty, "memory-cognitive-problems"));
  g_assert_false (has_deficit (frailty, "polypharmacy"));
  g_assert_cmpfloat_with_epsilon (frailty->index, 0.14, 1e-9);
  g_assert_cmpint (frailty->band, ==, KITH_FRAILTY_MILD);
  /* Each deficit says what found it. */
  for (guint i = 0; i < frailty->deficits->len; i++)
    {
      KithFrailtyDeficit *deficit = frailty->deficits->pdata[i];

      g_assert_true (g_str_has_prefix (deficit->source, "Condition/c"));
      /* Words for a clinician, not ids. */
      g_assert_null (strstr (deficit->evidence, "Condition/"));
      g_assert_nonnull (strstr (deficit->evidence, "problem list"));
    }

  /* Five current medicines is polypharmacy. */
  g_clear_pointer (&frailty, kith_frailty_index_free);
  frailty = kith_frailty_compute_from_resources (conditions, 5);
  g_assert_true (has_deficit (frailty, "polypharmacy"));
  g_assert_cmpuint (frailty->n_deficits, ==, 6);
  g_assert_cmpfloat_with_epsilon (frailty->index, 0.17, 1e-9);
}

/* From a real store: the person's own conditions and medicines only. */
static void
test_from_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-frailty-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autoptr(KithStore) store = kith_store_open (path, &error);
  g_autoptr(KithPatient) person = kith_patient_new ();
  g_autoptr(KithPatient) other = kith_patient_new ();
  g_autoptr(KithFrailtyIndex) frailty = NULL;
  const char *codes[] = { "84114007", "49436004", "13645005", "709044004", "44054006",
                          "38341003", "396275006", "64859006", "49049000" };

  g_assert_no_error (error);
  kith_patient_set_family (person, "Testperson");
  kith_patient_set_given (person, "Ada");
  kith_patient_set_family (other, "Otherperson");
  kith_patient_set_given (other, "Bea");
  g_assert_true (kith_store_save_patient (store, person, &error));
  g_assert_true (kith_store_save_patient (store, other, &error));
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *id = g_strdup_printf ("cond-%u", i);
      g_autoptr(JsonObject) resource = active (id, codes[i], "");
      g_autoptr(JsonObject) subject = kith_fhir_new_reference ("Patient", kith_patient_get_id (i < 8 ? person : other), NULL);

      json_object_set_object_member (resource, "subject", g_steal_pointer (&subject));
      g_assert_true (kith_store_save_resource (store, resource, NULL, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"MedicationStatement\",\"id\":\"med-%u\","
                                               "\"status\":\"%s\",\"medicationCodeableConcept\":{\"text\":\"Tablet %u\"},"
                                               "\"subject\":{\"reference\":\"Patient/%s\"}}",
                                               i, i == 4 ? "stopped" : "active", i, kith_patient_get_id (person));
      g_autoptr(JsonObject) statement = kith_fhir_parse_resource (json, -1, &error);

      g_assert_true (kith_store_save_resource (store, statement, NULL, &error));
      g_assert_no_error (error);
    }

  /* Eight deficits (four medicines current: not polypharmacy): mild. */
  frailty = kith_frailty_compute (store, kith_patient_get_id (person), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frailty->n_deficits, ==, 8);
  g_assert_cmpint (frailty->band, ==, KITH_FRAILTY_MILD);
  g_assert_false (has_deficit (frailty, "parkinsonism-tremor"));   /* the other person's */
  g_assert_false (has_deficit (frailty, "polypharmacy"));

  /* A ninth deficit moves them to moderate. */
  {
    g_autoptr(JsonObject) resource = active ("cond-extra", NULL, "Insomnia");
    g_autoptr(JsonObject) subject = kith_fhir_new_reference ("Patient", kith_patient_get_id (person), NULL);

    json_object_set_object_member (resource, "subject", g_steal_pointer (&subject));
    g_assert_true (kith_store_save_resource (store, resource, NULL, &error));
  }
  g_clear_pointer (&frailty, kith_frailty_index_free);
  frailty = kith_frailty_compute (store, kith_patient_get_id (person), &error);
  g_assert_cmpuint (frailty->n_deficits, ==, 9);
  g_assert_cmpfloat_with_epsilon (frailty->index, 0.25, 1e-9);
  g_assert_cmpint (frailty->band, ==, KITH_FRAILTY_MODERATE);

  g_clear_object (&store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/frailty/definition", test_definition);
  g_test_add_func ("/frailty/bands-at-boundaries", test_bands_at_boundaries);
  g_test_add_func ("/frailty/counts", test_counts);
  g_test_add_func ("/frailty/from-conditions", test_from_conditions);
  g_test_add_func ("/frailty/from-store", test_from_store);

  return g_test_run ();
}
