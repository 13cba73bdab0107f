/* test-merge.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kith-core.h"

static JsonObject *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
merge (const char *base,
       const char *local,
       const char *remote,
       guint      *n_conflicts,
       char      **first_path)
{
  g_autoptr(JsonObject) b = parse (base), l = parse (local), r = parse (remote);
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_merge_conflict_free);
  g_autoptr(JsonObject) merged = kith_merge_resources (b, l, r, conflicts);

  *n_conflicts = conflicts->len;
  if (first_path)
    *first_path = conflicts->len ? g_strdup (((KithMergeConflict *) conflicts->pdata[0])->path) : NULL;
  return kith_fhir_to_string (merged, FALSE);
}

static void
test_different_fields (void)
{
  guint n;
  g_autofree char *out = merge ("{\"a\":1,\"b\":1}", "{\"a\":2,\"b\":1}", "{\"a\":1,\"b\":3}", &n, NULL);

  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpstr (out, ==, "{\"a\":2,\"b\":3}");
}

static void
test_same_field (void)
{
  guint n;
  g_autofree char *path = NULL;
  g_autofree char *out = merge ("{\"x\":{\"t\":\"old\"}}", "{\"x\":{\"t\":\"mine\"}}", "{\"x\":{\"t\":\"theirs\"}}", &n, &path);

  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (path, ==, "x.t");
}

static void
test_both_add_list_members (void)
{
  guint n;
  g_autofree char *out = merge ("{\"goal\":[{\"id\":\"g1\",\"t\":\"a\"}]}",
                                "{\"goal\":[{\"id\":\"g1\",\"t\":\"a\"},{\"id\":\"g2\",\"t\":\"mine\"}]}",
                                "{\"goal\":[{\"id\":\"g1\",\"t\":\"a\"},{\"id\":\"g3\",\"t\":\"theirs\"}]}",
                                &n, NULL);

  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpstr (out, ==, "{\"goal\":[{\"id\":\"g1\",\"t\":\"a\"},{\"id\":\"g3\",\"t\":\"theirs\"},{\"id\":\"g2\",\"t\":\"mine\"}]}");
}

static void
test_delete_versus_edit (void)
{
  guint n;
  g_autofree char *path = NULL;
  /* One side removed a goal the other changed: never dropped silently. */
  g_autofree char *out = merge ("{\"goal\":[{\"id\":\"g1\",\"t\":\"a\"},{\"id\":\"g2\",\"t\":\"b\"}]}",
                                "{\"goal\":[{\"id\":\"g1\",\"t\":\"a\"}]}",
                                "{\"goal\":[{\"id\":\"g1\",\"t\":\"a\"},{\"id\":\"g2\",\"t\":\"B!\"}]}",
                                &n, &path);

  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (path, ==, "goal[g2]");
}

static void
test_delete_unchanged (void)
{
  guint n;
  g_autofree char *out = merge ("{\"goal\":[{\"id\":\"g1\"},{\"id\":\"g2\"}]}",
                                "{\"goal\":[{\"id\":\"g1\"}]}",
                                "{\"goal\":[{\"id\":\"g1\"},{\"id\":\"g2\"}],\"note\":\"x\"}",
                                &n, NULL);

  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpstr (out, ==, "{\"goal\":[{\"id\":\"g1\"}],\"note\":\"x\"}");
}

static void
test_references_and_meta (void)
{
  guint n;
  g_autofree char *out = merge ("{\"meta\":{\"versionId\":\"1\"},\"activity\":[{\"reference\":{\"reference\":\"#a1\"}}]}",
                                "{\"meta\":{\"versionId\":\"1\"},\"activity\":[{\"reference\":{\"reference\":\"#a1\"}},{\"reference\":{\"reference\":\"#a2\"}}]}",
                                "{\"meta\":{\"versionId\":\"2\"},\"activity\":[{\"reference\":{\"reference\":\"#a1\"}},{\"reference\":{\"reference\":\"#a3\"}}]}",
                                &n, NULL);

  g_assert_cmpuint (n, ==, 0);
  g_assert_nonnull (strstr (out, "#a2"));
  g_assert_nonnull (strstr (out, "#a3"));
  g_assert_nonnull (strstr (out, "\"versionId\":\"2\""));
}

static void
test_bookkeeping_is_not_a_conflict (void)
{
  guint n;
  g_autofree char *out = merge ("{\"extension\":[{\"url\":\"" KITH_FHIR_SD "last-edited-by\",\"valueString\":\"X\"}]}",
                                "{\"extension\":[{\"url\":\"" KITH_FHIR_SD "last-edited-by\",\"valueString\":\"Mine\"}]}",
                                "{\"extension\":[{\"url\":\"" KITH_FHIR_SD "last-edited-by\",\"valueString\":\"Theirs\"}]}",
                                &n, NULL);

  g_assert_cmpuint (n, ==, 0);
  g_assert_nonnull (strstr (out, "Mine"));
}

static void
test_inputs_untouched (void)
{
  g_autoptr(JsonObject) b = parse ("{\"x\":{\"y\":1}}");
  g_autoptr(JsonObject) l = parse ("{\"x\":{\"y\":1},\"z\":2}");
  g_autoptr(JsonObject) r = parse ("{\"x\":{\"y\":1}}");
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_merge_conflict_free);
  g_autoptr(JsonObject) merged = kith_merge_resources (b, l, r, conflicts);
  g_autofree char *local_text = NULL;

  /* Editing the result must not reach back into the inputs. */
  json_object_set_int_member (json_object_get_object_member (merged, "x"), "y", 99);
  local_text = kith_fhir_to_string (l, FALSE);
  g_assert_cmpstr (local_text, ==, "{\"x\":{\"y\":1},\"z\":2}");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/merge/different-fields", test_different_fields);
  g_test_add_func ("/merge/same-field", test_same_field);
  g_test_add_func ("/merge/both-add-list-members", test_both_add_list_members);
  g_test_add_func ("/merge/delete-versus-edit", test_delete_versus_edit);
  g_test_add_func ("/merge/delete-unchanged", test_delete_unchanged);
  g_test_add_func ("/merge/references-and-meta", test_references_and_meta);
  g_test_add_func ("/merge/inputs-untouched", test_inputs_untouched);
  g_test_add_func ("/merge/bookkeeping", test_bookkeeping_is_not_a_conflict);

  return g_test_run ();
}
