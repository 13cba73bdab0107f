/* test-access-log.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Who has looked at my record?": AuditEvents as the practice server
 * writes them become one line per person, kind of access and day, with
 * emergency access and refusals on lines of their own, sign-ins left out,
 * newest first; and the printout for the person says the same.
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kith-core.h"
#include "kith-access-log.h"

static char *
event (const char *recorded,
       const char *who,
       const char *role,
       const char *subtype,
       const char *outcome,
       const char *break_glass_reason,
       gboolean    sign_in)
{
  g_autofree char *purpose = break_glass_reason
    ? g_strdup_printf (",\"purposeOfEvent\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\","
                       "\"code\":\"BTG\"}],\"text\":\"%s\"}],\"extension\":[{\"url\":\"%s\",\"valueBoolean\":true}]",
                       break_glass_reason, "https://kith.example/fhir/StructureDefinition/for-review")
    : g_strdup ("");

  return g_strdup_printf ("{\"resource\":{\"resourceType\":\"AuditEvent\",\"id\":\"1\","
                          "\"type\":{\"system\":\"x\",\"code\":\"%s\"},"
                          "\"subtype\":[{\"system\":\"x\",\"code\":\"%s\"}],\"action\":\"R\",\"recorded\":\"%s\","
                          "\"outcome\":\"%s\"%s,\"agent\":[{\"who\":{\"identifier\":{\"system\":\"u\",\"value\":\"7\"},"
                          "\"display\":\"%s\"},\"role\":[{\"text\":\"%s\"}],\"requestor\":true}],"
                          "\"entity\":[{\"what\":{\"reference\":\"Patient/p1\"}}]}}",
                          sign_in ? "110114" : "rest", subtype, recorded, outcome, purpose, who, role);
}

static GPtrArray *
read_sample (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *json = NULL;
  GPtrArray *entries;

  g_ptr_array_add (parts, event ("2026-03-03T10:00:00Z", "Jo Reid", "nurse", "read", "0", NULL, FALSE));
  g_ptr_array_add (parts, event ("2026-03-03T10:05:00Z", "Jo Reid", "nurse", "search-type", "0", NULL, FALSE));
  g_ptr_array_add (parts, event ("2026-03-03T11:00:00Z", "Jo Reid", "nurse", "history-instance", "0", NULL, FALSE));
  g_ptr_array_add (parts, event ("2026-03-03T11:30:00Z", "Jo Reid", "nurse", "update", "0", NULL, FALSE));
  g_ptr_array_add (parts, event ("2026-03-04T09:00:00Z", "Sam Bell", "social-worker", "read", "8", NULL, FALSE));
  g_ptr_array_add (parts, event ("2026-03-05T02:00:00Z", "Dr Okoro", "gp", "read", "0",
                                 "Unconscious in A&E, need medication list", FALSE));
  g_ptr_array_add (parts, event ("2026-03-05T08:00:00Z", "Jo Reid", "nurse", "login", "0", NULL, TRUE));
  g_ptr_array_add (parts, event ("2026-03-06T08:00:00Z", "Jo Reid", "nurse", "print", "0", NULL, FALSE));
  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv (",", (char **) parts->pdata);
  json = g_strdup_printf ("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[%s]}", joined);
  root = json_from_string (json, &error);
  g_assert_no_error (error);
  entries = kith_access_log_from_bundle (json_node_get_object (root), &error);
  g_assert_no_error (error);
  return entries;
}

static void
test_lines (void)
{
  g_autoptr(GPtrArray) entries = NULL;
  const KithAccessEntry *e;

  g_setenv ("TZ", "UTC", TRUE);
  entries = read_sample ();
  /* print, break-glass, refused, changed, looked (3 times); no sign-in */
  g_assert_cmpuint (entries->len, ==, 5);

  e = entries->pdata[0];
  g_assert_cmpstr (e->subtype, ==, "print");
  g_assert_nonnull (strstr (e->words, "printed the record"));

  e = entries->pdata[1];
  g_assert_cmpstr (e->subtype, ==, "break-glass");
  g_assert_true (e->for_review);
  g_assert_nonnull (strstr (e->words, "Dr Okoro"));
  g_assert_nonnull (strstr (e->words, "Unconscious in A&E, need medication list"));

  e = entries->pdata[2];
  g_assert_true (e->refused);
  g_assert_nonnull (strstr (e->words, "Sam Bell"));
  g_assert_nonnull (strstr (e->words, "refused"));

  e = entries->pdata[3];
  g_assert_cmpstr (e->subtype, ==, "update");
  g_assert_cmpuint (e->times, ==, 1);

  e = entries->pdata[4];
  g_assert_cmpuint (e->times, ==, 3);
  g_assert_cmpstr (e->day, ==, "2026-03-03");
  g_assert_cmpstr (e->first, ==, "2026-03-03T10:00:00Z");
  g_assert_nonnull (strstr (e->words, "Jo Reid"));
  g_assert_nonnull (strstr (e->words, "looked at the record"));
}

static void
test_not_a_bundle (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) outcome = json_from_string ("{\"resourceType\":\"OperationOutcome\"}", &error);
  g_autoptr(GPtrArray) entries = NULL;

  g_assert_no_error (error);
  entries = kith_access_log_from_bundle (json_node_get_object (outcome), &error);
  g_assert_null (entries);
  g_assert_nonnull (error);
}

static void
test_printout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-access-log-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "who.pdf", NULL);
  g_autofree char *command = NULL;
  g_autofree char *text = NULL;
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
  g_autofree char *pdftotext = NULL;
  GStatBuf st;
  int status;

  g_setenv ("TZ", "UTC", TRUE);
  g_assert_no_error (error);
  entries = read_sample ();
  g_assert_true (kith_access_log_write_pdf (entries, "Margaret Smith", path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  if ((pdftotext = g_find_program_in_path ("pdftotext")) != NULL)
    {
      command = g_strdup_printf ("pdftotext -layout '%s' -", path);
      g_assert_true (g_spawn_command_line_sync (command, &text, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_nonnull (strstr (text, "Who has looked at Margaret Smith"));
      g_assert_nonnull (strstr (text, "3 March 2026"));
      g_assert_nonnull (strstr (text, "(3 times)"));
      g_assert_nonnull (strstr (text, "Unconscious in A&E"));
      g_assert_nonnull (strstr (text, "Page 1 of 1"));
    }
  g_assert_cmpint (system (rm), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/access-log/lines", test_lines);
  g_test_add_func ("/access-log/not-a-bundle", test_not_a_bundle);
  g_test_add_func ("/access-log/printout", test_printout);

  return g_test_run ();
}
