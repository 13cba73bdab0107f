/* kith-demo.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kith-demo --people N --seed S --out FILE [--format store|bundle] [--work-day DATE]
 *
 * Makes a deterministic synthetic caseload, straight into a Kith store or
 * as a FHIR R4 transaction Bundle. No real person is in it.
 */

#define G_LOG_DOMAIN "kith-demo"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <glib/gi18n.h>

#include "kith-core.h"

typedef struct
{
  GOutputStream *out;
  GError        *error;
  gboolean       first;
  guint64        count;
} BundleWriter;

static void
write_text (BundleWriter *writer,
            const char   *text)
{
  if (writer->error == NULL)
    g_output_stream_write_all (writer->out, text, strlen (text), NULL, NULL, &writer->error);
}

/* One entry at a time, so a 100,000-person Bundle never sits in memory. */
static void
write_entry (JsonObject *resource,
             gpointer    user_data)
{
  BundleWriter *writer = user_data;
  g_autoptr(JsonObject) entry = json_object_new ();
  JsonObject *request = json_object_new ();
  const char *type = kith_fhir_get_string (resource, "resourceType");
  const char *id = kith_fhir_get_string (resource, "id");
  g_autofree char *url = g_strdup_printf ("%s/%s", type, id);
  g_autofree char *full_url = g_strdup_printf ("urn:uuid:%s", id);
  g_autofree char *json = NULL;

  json_object_set_string_member (entry, "fullUrl", full_url);
  json_object_set_object_member (entry, "resource", json_object_ref (resource));
  json_object_set_string_member (request, "method", "PUT");
  json_object_set_string_member (request, "url", url);
  json_object_set_object_member (entry, "request", request);
  json = kith_fhir_to_string (entry, FALSE);

  write_text (writer, writer->first ? "\n" : ",\n");
  write_text (writer, json);
  writer->first = FALSE;
  writer->count++;
}

static gboolean
write_bundle (const char   *path,
              guint         people,
              guint64       seed,
              const GDate  *work_day,
              guint64      *count,
              GError      **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GOutputStream) buffered = NULL;
  BundleWriter writer = { NULL, NULL, TRUE, 0 };

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error);
  if (stream == NULL)
    return FALSE;
  buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (stream), 1 << 20);
  writer.out = buffered;

  write_text (&writer, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
  kith_demo_caseload_generate_for_day (people, seed, work_day, write_entry, &writer);
  write_text (&writer, "\n]}\n");
  if (writer.error == NULL)
    g_output_stream_close (buffered, NULL, &writer.error);
  if (writer.error)
    {
      g_propagate_error (error, writer.error);
      return FALSE;
    }
  *count = writer.count;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *format = NULL;
  g_autofree char *work_day_text = NULL;
  GDate work_day;
  int people = 1000;
  gint64 seed = 1;
  gint64 started;
  GOptionEntry entries[] = {
    { "people", 'n', 0, G_OPTION_ARG_INT, &people, "How many people (default 1000)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed: the same seed makes the same caseload (default 1)", "S" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Where to write: a store (.db) or a Bundle (.json)", "FILE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "store or bundle (default: from the file name)", "FORMAT" },
    { "work-day", 0, 0, G_OPTION_ARG_STRING, &work_day_text,
      "The day the demo's dates are around (visits planned, referrals waiting, discharges): YYYY-MM-DD or \"today\" (UTC); "
      "the default is the demo's reference day, 2026-01-01, as kith-server --demo-people uses", "DATE" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("— make a synthetic Kith caseload");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "Every person is made up: NHS numbers are in the 999 range,\n"
                                    "phone numbers in Ofcom's drama ranges, postcodes in ZZ99.\n");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("kith-demo: %s\n", error->message);
      return 2;
    }
  if (out == NULL)
    {
      g_printerr ("kith-demo: --out FILE is required\n");
      return 2;
    }
  if (people < 0 || seed < 0)
    {
      g_printerr ("kith-demo: --people and --seed must not be negative\n");
      return 2;
    }
  if (format == NULL)
    format = g_strdup (g_str_has_suffix (out, ".json") ? "bundle" : "store");
  g_date_clear (&work_day, 1);
  if (work_day_text == NULL)
    g_date_set_dmy (&work_day, 1, G_DATE_JANUARY, 2026);
  else if (g_str_equal (work_day_text, "today"))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      g_date_set_dmy (&work_day, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                      g_date_time_get_year (now));
    }
  else
    {
      int y, m, d;

      if (sscanf (work_day_text, "%4d-%2d-%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
        {
          g_printerr ("kith-demo: --work-day must be a date, YYYY-MM-DD, or \"today\"\n");
          return 2;
        }
      g_date_set_dmy (&work_day, d, m, y);
    }

  started = g_get_monotonic_time ();
  if (g_str_equal (format, "bundle"))
    {
      guint64 count = 0;

      if (!write_bundle (out, people, seed, &work_day, &count, &error))
        {
          g_printerr ("kith-demo: cannot write %s: %s\n", out, error->message);
          return 1;
        }
      g_print ("kith-demo: wrote %" G_GUINT64_FORMAT " resources for %d people to %s in %.1f s\n",
               count, people, out, (g_get_monotonic_time () - started) / 1e6);
    }
  else if (g_str_equal (format, "store"))
    {
      g_autoptr(KithStore) store = kith_store_open (out, &error);

      if (store == NULL || !kith_demo_caseload_fill_for_day (store, people, seed, &work_day, &error))
        {
          g_printerr ("kith-demo: cannot fill %s: %s\n", out, error->message);
          return 1;
        }
      g_print ("kith-demo: %" G_GINT64_FORMAT " people in %s (%.1f s)\n",
               kith_store_count_resources (store, "Patient"), out,
               (g_get_monotonic_time () - started) / 1e6);
    }
  else
    {
      g_printerr ("kith-demo: unknown --format “%s”: use store or bundle\n", format);
      return 2;
    }
  return 0;
}
