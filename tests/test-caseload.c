/* test-caseload.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kith-core.h"

#define DEMO_PEOPLE 400
#define DEMO_SEED   7

/* Filled once, copied for each test: filling is the slow part under ASan. */
static char *template_store;

typedef struct
{
  char         *dir;
  KithStore    *store;
  KithCaseload *caseload;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_autoptr(GFile) source = g_file_new_for_path (template_store);
  g_autoptr(GFile) target = NULL;

  f->dir = g_dir_make_tmp ("kith-caseload-XXXXXX", &error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  target = g_file_new_for_path (path);
  g_assert_true (g_file_copy (source, target, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);
  f->caseload = kith_caseload_new (f->store);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->caseload);
  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
}

static KithCaseloadEntry *
entry_at (Fixture *f,
          guint    position)
{
  return g_list_model_get_item (G_LIST_MODEL (f->caseload), position);
}

static void
test_everyone_sorted (Fixture       *f,
                      gconstpointer  data)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->caseload));
  g_autofree char *previous = NULL;

  g_assert_cmpuint (n, ==, DEMO_PEOPLE);
  g_assert_false (kith_caseload_get_truncated (f->caseload));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = entry_at (f, i);
      g_autofree char *key = g_utf8_casefold (kith_caseload_entry_get_list_name (entry), -1);

      g_assert_nonnull (kith_caseload_entry_get_id (entry));
      g_assert_cmpint (strlen (kith_caseload_entry_get_nhs_number (entry)), ==, 12);
      g_assert_cmpint (kith_caseload_entry_get_age (entry), >=, 18);
      /* Family names sort; the list name starts with the family name. */
      if (previous)
        g_assert_cmpint (strncmp (previous, key, 3), <=, 0);
      g_free (previous);
      previous = g_steal_pointer (&key);
    }
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_name_prefix (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(KithCaseloadEntry) first = entry_at (f, 0);
  g_autoptr(KithPatient) patient = kith_store_load_patient (f->store, kith_caseload_entry_get_id (first), NULL);
  g_autofree char *prefix = g_utf8_substring (kith_patient_get_family (patient), 0, 3);
  g_autofree char *given_prefix = g_utf8_substring (kith_patient_get_given (patient), 0, 2);
  g_autofree char *both = g_strdup_printf ("%s %s", given_prefix, prefix);
  guint changes = 0;
  guint n_family, n_both;

  g_signal_connect (f->caseload, "items-changed", G_CALLBACK (count_changes), &changes);

  kith_caseload_set_query (f->caseload, prefix);
  n_family = g_list_model_get_n_items (G_LIST_MODEL (f->caseload));
  g_assert_cmpuint (n_family, >, 0);
  g_assert_cmpuint (n_family, <, DEMO_PEOPLE);
  g_assert_cmpuint (changes, ==, 1);
  for (guint i = 0; i < n_family; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = entry_at (f, i);
      g_autoptr(KithPatient) p = kith_store_load_patient (f->store, kith_caseload_entry_get_id (entry), NULL);
      g_autofree char *haystack = g_strdup_printf ("%s %s %s", kith_patient_get_family (p),
                                                   kith_patient_get_given (p),
                                                   kith_patient_get_preferred_name (p) ?: "");
      g_autofree char *lower_hay = g_utf8_strdown (haystack, -1);
      g_autofree char *lower_prefix = g_utf8_strdown (prefix, -1);

      g_assert_nonnull (strstr (lower_hay, lower_prefix));
    }

  /* Lower case, and a given-name prefix too, narrows it further. */
  {
    g_autofree char *lower = g_utf8_strdown (both, -1);
    kith_caseload_set_query (f->caseload, lower);
  }
  n_both = g_list_model_get_n_items (G_LIST_MODEL (f->caseload));
  g_assert_cmpuint (n_both, >=, 1);
  g_assert_cmpuint (n_both, <=, n_family);

  kith_caseload_set_query (f->caseload, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->caseload)), ==, DEMO_PEOPLE);
}

static void
test_nhs_number (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(KithCaseloadEntry) some = entry_at (f, 123);
  const char *formatted = kith_caseload_entry_get_nhs_number (some);
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autofree char *partial = NULL;

  for (const char *p = formatted; *p; p++)
    if (*p != ' ')
      g_string_append_c (digits, *p);

  /* With spaces, as printed on a letter. */
  kith_caseload_set_query (f->caseload, formatted);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->caseload)), ==, 1);
  {
    g_autoptr(KithCaseloadEntry) found = entry_at (f, 0);
    g_assert_cmpstr (kith_caseload_entry_get_id (found), ==, kith_caseload_entry_get_id (some));
  }

  /* Without spaces. */
  kith_caseload_set_query (f->caseload, digits->str);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->caseload)), ==, 1);

  /* The first digits find everyone whose number starts so. */
  partial = g_strndup (digits->str, 7);
  kith_caseload_set_query (f->caseload, partial);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->caseload)), >=, 1);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (f->caseload)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = entry_at (f, i);
      g_autofree char *no_spaces = g_strdelimit (g_strdup (kith_caseload_entry_get_nhs_number (entry)), " ", ' ');
      g_autoptr(GString) d = g_string_new (NULL);

      for (const char *p = no_spaces; *p; p++)
        if (*p != ' ')
          g_string_append_c (d, *p);
      g_assert_true (g_str_has_prefix (d->str, partial));
    }

  /* A number nobody has finds nobody. */
  kith_caseload_set_query (f->caseload, "123 456 7890");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->caseload)), ==, 0);
}

static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean truncated = FALSE;
  g_autoptr(GArray) all = kith_store_search_patients (f->store, "9", 0, &truncated, &error);
  g_autoptr(GArray) few = kith_store_search_patients (f->store, "9", 10, &truncated, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, DEMO_PEOPLE);   /* every demo number starts 999 */
  g_assert_cmpuint (few->len, ==, 10);
  g_assert_true (truncated);
  g_assert_cmpmem (all->data, 10 * sizeof (gint64), few->data, 10 * sizeof (gint64));
}

static void
test_fts_syntax_is_just_text (Fixture       *f,
                              gconstpointer  data)
{
  const char *queries[] = { "\"", "*", "AND", "smith OR", "NEAR(a b)", "a:b", "^x", "(", "-", "'",
                            "\xe2\x80\x94", "smi\"th", "   ", "O'Bri", "Zoë" };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) found = kith_store_search_patients (f->store, queries[i], 50, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (found);
    }
}

static void
test_diacritics_and_apostrophes (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) zoe = kith_patient_new ();
  g_autoptr(KithPatient) obrien = kith_patient_new ();

  kith_patient_set_family (zoe, "Ångström");
  kith_patient_set_given (zoe, "Zoë");
  kith_patient_set_family (obrien, "O'Flaherty-Quayle");
  kith_patient_set_given (obrien, "Seamus");
  g_assert_true (kith_store_save_patient (f->store, zoe, &error));
  g_assert_true (kith_store_save_patient (f->store, obrien, &error));
  g_assert_no_error (error);

  kith_caseload_set_query (f->caseload, "zoe angs");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->caseload)), ==, 1);
  kith_caseload_set_query (f->caseload, "Ångs");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->caseload)), ==, 1);
  kith_caseload_set_query (f->caseload, "o'flah");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->caseload)), ==, 1);
  kith_caseload_set_query (f->caseload, "quayle");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->caseload)), ==, 1);
}

static void
test_rename_updates_search (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCaseloadEntry) entry = entry_at (f, 5);
  g_autoptr(KithPatient) patient = kith_store_load_patient (f->store, kith_caseload_entry_get_id (entry), &error);

  g_assert_no_error (error);
  kith_patient_set_family (patient, "Zanzibarova");
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);

  kith_caseload_set_query (f->caseload, "zanzib");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->caseload)), ==, 1);
  {
    g_autoptr(KithCaseloadEntry) found = entry_at (f, 0);
    g_assert_true (g_str_has_prefix (kith_caseload_entry_get_list_name (found), "ZANZIBAROVA, "));
  }
}

static void
test_sees_other_connections (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithStore) other = kith_store_open (kith_store_get_path (f->store), &error);
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;

  g_assert_no_error (error);
  /* Warm this connection's name order first, so a stale cache would show. */
  before = kith_store_search_patients (f->store, "quixote", 0, NULL, &error);
  g_assert_cmpuint (before->len, ==, 0);

  /* Another window (or a sync) adds a person through its own connection. */
  kith_patient_set_family (patient, "Quixote");
  kith_patient_set_given (patient, "Alonso");
  g_assert_true (kith_store_save_patient (other, patient, &error));
  g_assert_no_error (error);

  after = kith_store_search_patients (f->store, "quixote", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 1);
  kith_caseload_reload (f->caseload);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->caseload)), ==, DEMO_PEOPLE + 1);
}

static char *
make_template (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-caseload-template-XXXXXX", &error);
  char *path = g_build_filename (dir, "kith.db", NULL);
  g_autoptr(KithStore) store = kith_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (kith_demo_caseload_fill (store, DEMO_PEOPLE, DEMO_SEED, &error));
  g_assert_no_error (error);
  /* Fold the WAL into the file, so copying the file copies everything. */
  g_clear_object (&store);
  return path;
}

int
main (int argc, char *argv[])
{
  g_autofree char *template_dir = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  template_store = make_template ();
  template_dir = g_path_get_dirname (template_store);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/caseload/everyone-sorted", test_everyone_sorted);
  ADD ("/caseload/name-prefix", test_name_prefix);
  ADD ("/caseload/nhs-number", test_nhs_number);
  ADD ("/caseload/truncated", test_truncated);
  ADD ("/caseload/fts-syntax", test_fts_syntax_is_just_text);
  ADD ("/caseload/diacritics", test_diacritics_and_apostrophes);
  ADD ("/caseload/rename", test_rename_updates_search);
  ADD ("/caseload/other-connections", test_sees_other_connections);
#undef ADD

  status = g_test_run ();
  g_unlink (template_store);
  g_rmdir (template_dir);
  g_free (template_store);
  return status;
}
