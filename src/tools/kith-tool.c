/* kith-tool.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small command-line tool over kith-core, for integrators and scripts:
 *
 *   kith-tool instruments [--json]
 *   kith-tool score FILE.json
 *   kith-tool sync --profile DIR --server URL [--user USER] [--timeout SECONDS]
 *   kith-tool export-plan (--store FILE | --profile DIR) --person ID --pdf OUT
 *                         [--large-print] [--crisis-first]
 *       the person's current care plan as the PDF they keep at home (0600)
 *   kith-tool report (--store FILE | --profile DIR) --from DATE --to DATE --csv DIR
 *                    [--pdf FILE] [--team TEAM] [--coordinator NAME] [--tier TIER]…
 *                    [--baseline NAME]
 *       the outcome indicators as CSV files (and a PDF report), counts only,
 *       small numbers suppressed (0600)
 *
 * Exit status: 0 done, 1 the input was wrong (the message says how),
 * 2 the command line was wrong.
 */

#define G_LOG_DOMAIN "kith-tool"

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include <libsecret/secret.h>

#include "kith-core.h"
#include "kith-outcomes.h"
#include "kith-outcomes-report.h"
#include "kith-plan-document.h"

static int
usage (void)
{
  g_printerr ("Usage:\n"
              "  kith-tool instruments [--json]   list the bundled instruments and their terms\n"
              "  kith-tool score FILE.json        score a QuestionnaireResponse for a bundled instrument\n"
              "  kith-tool export-plan (--store FILE | --profile DIR) --person ID --pdf OUT\n"
              "                        [--large-print] [--crisis-first]\n"
              "                                   the person's current care plan as the PDF they keep at home\n"
              "  kith-tool sync --profile DIR --server URL [--user USER] [--timeout SECONDS]\n"
              "                                   one sync cycle with a FHIR R4 server; prints what it did as JSON\n"
              "  kith-tool report (--store FILE | --profile DIR) --from DATE --to DATE --csv DIR [--pdf FILE]\n"
              "                   [--team TEAM] [--coordinator NAME] [--tier TIER]... [--baseline NAME]\n"
              "                                   the outcome indicators: a CSV per table, and a PDF report;\n"
              "                                   counts only, under 5 shown as <5; dates are YYYY-MM-DD,\n"
              "                                   tiers fit, mild, moderate or severe\n");
  return 2;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static int
command_instruments (int   argc,
                     char *argv[])
{
  KithInstrumentLibrary *library = kith_instrument_library_get_default ();
  g_autoptr(GPtrArray) instruments = kith_instrument_library_list (library);
  gboolean as_json = argc > 2 && g_str_equal (argv[2], "--json");

  if (argc > 3 || (argc == 3 && !as_json))
    return usage ();

  if (as_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < instruments->len; i++)
        {
          KithInstrument *instrument = instruments->pdata[i];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, kith_instrument_get_id (instrument));
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, kith_instrument_get_title (instrument));
          json_builder_set_member_name (builder, "version");
          json_builder_add_string_value (builder, kith_instrument_get_version (instrument));
          json_builder_set_member_name (builder, "url");
          json_builder_add_string_value (builder, kith_instrument_get_url (instrument));
          json_builder_set_member_name (builder, "domain");
          json_builder_add_string_value (builder, kith_instrument_get_domain (instrument));
          json_builder_set_member_name (builder, "licence");
          json_builder_add_string_value (builder, kith_instrument_get_licence (instrument));
          json_builder_set_member_name (builder, "terms");
          json_builder_add_string_value (builder, kith_instrument_get_terms (instrument));
          json_builder_set_member_name (builder, "source");
          json_builder_add_string_value (builder, kith_instrument_get_source (instrument));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      print_json (builder);
      return 0;
    }

  for (guint i = 0; i < instruments->len; i++)
    {
      KithInstrument *instrument = instruments->pdata[i];

      g_print ("%-26s %-40s %s\n", kith_instrument_get_id (instrument),
               kith_instrument_get_title (instrument), kith_instrument_get_licence (instrument));
      g_print ("%-26s source: %s\n", "", kith_instrument_get_source (instrument));
      g_print ("%-26s terms: %s\n\n", "", kith_instrument_get_terms (instrument));
    }
  return 0;
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_number_member (JsonBuilder *builder,
                   const char  *name,
                   gboolean     has_value,
                   double       value)
{
  json_builder_set_member_name (builder, name);
  if (!has_value)
    json_builder_add_null_value (builder);
  else if (value == (gint64) value)
    json_builder_add_int_value (builder, (gint64) value);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_findings (JsonBuilder     *builder,
              const char      *member,
              GPtrArray       *findings,
              KithFindingKind  kind)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < findings->len; i++)
    {
      KithFinding *finding = findings->pdata[i];

      if (finding->kind != kind)
        continue;
      json_builder_begin_object (builder);
      add_string_member (builder, kind == KITH_FINDING_NEED ? "id" : "name", finding->name);
      add_string_member (builder, "title", finding->title);
      switch (kind)
        {
        case KITH_FINDING_ALERT:
          add_string_member (builder, "severity", finding->severity);
          json_builder_set_member_name (builder, "requires_action");
          json_builder_add_boolean_value (builder, finding->requires_action);
          add_string_member (builder, "advice", finding->advice);
          break;
        case KITH_FINDING_OFFER:
          add_string_member (builder, "instrument", finding->offer_instrument);
          break;
        case KITH_FINDING_NEED:
          add_string_member (builder, "domain", finding->advice);
          break;
        case KITH_FINDING_INDICATION:
        default:
          break;
        }
      add_string_member (builder, "why", finding->why);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* "https://…/Questionnaire/phq-9|1.0.0", "Questionnaire/phq-9" or "phq-9" */
static KithInstrument *
find_instrument (KithInstrumentLibrary *library,
                 const char            *canonical)
{
  KithInstrument *instrument = kith_instrument_library_lookup_url (library, canonical);
  const char *slash;

  if (instrument == NULL && canonical != NULL)
    {
      g_autofree char *bare = g_strndup (canonical, strcspn (canonical, "|"));

      slash = strrchr (bare, '/');
      instrument = kith_instrument_library_lookup (library, slash ? slash + 1 : bare);
    }
  return instrument;
}

static int
command_score (int   argc,
               char *argv[])
{
  KithInstrumentLibrary *library = kith_instrument_library_get_default ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(KithAnswerSet) answers = NULL;
  g_autoptr(GPtrArray) scores = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) sets = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_auto(GStrv) missing = NULL;
  KithScore *total = NULL;
  KithInstrument *instrument;
  const char *canonical;

  if (argc != 3)
    return usage ();

  if (!g_file_get_contents (argv[2], &contents, &length, &error))
    {
      g_printerr ("kith-tool: cannot read %s: %s\n", argv[2], error->message);
      return 1;
    }
  if (!(response = kith_fhir_parse_resource (contents, length, &error)))
    {
      g_printerr ("kith-tool: %s: malformed input: %s\n", argv[2], error->message);
      return 1;
    }
  if (g_strcmp0 (kith_fhir_get_string (response, "resourceType"), "QuestionnaireResponse") != 0)
    {
      g_printerr ("kith-tool: %s: not a QuestionnaireResponse (it is a %s)\n", argv[2],
                  kith_fhir_get_string (response, "resourceType"));
      return 1;
    }
  canonical = kith_fhir_get_string (response, "questionnaire");
  if (!(instrument = find_instrument (library, canonical)))
    {
      g_printerr ("kith-tool: %s: unknown instrument “%s”; see “kith-tool instruments”\n", argv[2],
                  canonical ? canonical : "(none given)");
      return 1;
    }
  if (!(answers = kith_answer_set_new_from_response (instrument, response, &error)))
    {
      /* The engine insists the canonical matches; accept a bare id too. */
      if (g_error_matches (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_UNKNOWN_INSTRUMENT))
        {
          g_autofree char *json = kith_fhir_to_string (response, FALSE);
          g_autoptr(JsonObject) copy = kith_fhir_parse_resource (json, -1, NULL);

          g_clear_error (&error);
          json_object_set_string_member (copy, "questionnaire", kith_instrument_get_url (instrument));
          answers = kith_answer_set_new_from_response (instrument, copy, &error);
        }
      if (answers == NULL)
        {
          g_printerr ("kith-tool: %s: %s\n", argv[2], error->message);
          return 1;
        }
    }

  missing = kith_answer_set_list_missing (answers);
  if (missing[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", missing);

      g_printerr ("kith-tool: %s: missing item%s: %s (answer it, or record it as declined or not assessed)\n",
                  argv[2], missing[1] ? "s" : "", list);
      return 1;
    }

  scores = kith_answer_set_score (answers);
  sets = g_ptr_array_new ();
  g_ptr_array_add (sets, answers);
  findings = kith_instrument_library_evaluate (library, sets);

  for (guint i = 0; i < scores->len; i++)
    if (total == NULL || g_strcmp0 (((KithScore *) scores->pdata[i])->name, "total") == 0)
      total = scores->pdata[i];

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string_member (builder, "instrument", kith_instrument_get_id (instrument));
  add_string_member (builder, "title", kith_instrument_get_title (instrument));
  add_string_member (builder, "version", kith_instrument_get_version (instrument));
  add_number_member (builder, "total", total && total->has_value, total ? total->value : 0);
  add_string_member (builder, "band", total ? total->band_code : NULL);
  add_string_member (builder, "band_title", total ? total->band_title : NULL);
  json_builder_set_member_name (builder, "scores");
  json_builder_begin_array (builder);
  for (guint i = 0; i < scores->len; i++)
    {
      KithScore *score = scores->pdata[i];

      json_builder_begin_object (builder);
      add_string_member (builder, "name", score->name);
      add_string_member (builder, "title", score->title);
      add_number_member (builder, "value", score->has_value, score->value);
      add_number_member (builder, "max", score->max >= 0, score->max);
      add_string_member (builder, "band", score->band_code);
      add_string_member (builder, "band_title", score->band_title);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_findings (builder, "alerts", findings, KITH_FINDING_ALERT);
  add_findings (builder, "offers", findings, KITH_FINDING_OFFER);
  add_findings (builder, "indications", findings, KITH_FINDING_INDICATION);
  add_findings (builder, "needs", findings, KITH_FINDING_NEED);
  json_builder_end_object (builder);
  print_json (builder);
  return 0;
}

static int
command_export_plan (int   argc,
                     char *argv[])
{
  const char *store_path = NULL, *profile = NULL, *person = NULL, *pdf = NULL;
  KithPlanDocumentOptions options = { FALSE, FALSE, NULL };
  gboolean crisis_first = FALSE;
  g_autofree char *profile_store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithStore) store = NULL;
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  gboolean ok;

  for (int i = 2; i < argc; i++)
    {
      const char **value = NULL;

      if (g_str_equal (argv[i], "--store"))
        value = &store_path;
      else if (g_str_equal (argv[i], "--profile"))
        value = &profile;
      else if (g_str_equal (argv[i], "--person"))
        value = &person;
      else if (g_str_equal (argv[i], "--pdf"))
        value = &pdf;
      else if (g_str_equal (argv[i], "--large-print"))
        options.large_print = TRUE;
      else if (g_str_equal (argv[i], "--crisis-first"))
        crisis_first = TRUE;
      else
        {
          g_printerr ("kith-tool: export-plan: unknown option “%s”\n", argv[i]);
          return usage ();
        }
      if (value != NULL)
        {
          if (i + 1 >= argc || *argv[i + 1] == '\0')
            {
              g_printerr ("kith-tool: export-plan: %s needs a value\n", argv[i]);
              return usage ();
            }
          *value = argv[++i];
        }
    }
  if ((store_path == NULL) == (profile == NULL) || person == NULL || pdf == NULL)
    {
      g_printerr ("kith-tool: export-plan needs --store FILE or --profile DIR (one of them), "
                  "--person ID and --pdf OUT\n");
      return usage ();
    }
  if (profile != NULL)
    store_path = profile_store = g_build_filename (profile, "kith.db", NULL);

  /* Opening would make an empty store: a wrong path is an error instead. */
  if (!g_file_test (store_path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("kith-tool: no store at %s\n", store_path);
      return 1;
    }
  if (!(store = kith_store_open (store_path, &error)))
    {
      g_printerr ("kith-tool: cannot open the store %s: %s\n", store_path, error->message);
      return 1;
    }
  if (!(patient = kith_store_load_patient (store, person, &error)))
    {
      if (g_error_matches (error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND) ||
          g_error_matches (error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE))
        g_printerr ("kith-tool: no person with id “%s” in %s\n", person, store_path);
      else
        g_printerr ("kith-tool: cannot read person “%s”: %s\n", person, error->message);
      return 1;
    }
  if (!(plan = kith_care_plan_load_current (store, person, &error)))
    {
      if (error != NULL)
        g_printerr ("kith-tool: cannot read the care plan of person “%s”: %s\n", person, error->message);
      else
        g_printerr ("kith-tool: person “%s” has no current care plan\n", person);
      return 1;
    }

  /* --crisis-first, or the person's own choice saved with the plan */
  options.crisis_first = crisis_first || kith_care_plan_get_crisis_first (plan);
  ok = kith_plan_document_export_pdf (plan, patient, &options, pdf, &error);
  /* Let go of the font caches, so a leak checker sees only real leaks. */
  pango_cairo_font_map_set_default (NULL);
  if (!ok)
    {
      g_printerr ("kith-tool: %s\n", error->message);
      return 1;
    }
  g_print ("kith-tool: wrote the care plan (version %s) to %s\n",
           kith_care_plan_get_version (plan) ? kith_care_plan_get_version (plan) : "unsaved", pdf);
  return 0;
}

static void
add_strings (JsonBuilder *builder,
             const char  *member,
             GPtrArray   *strings)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; strings && i < strings->len; i++)
    json_builder_add_string_value (builder, strings->pdata[i]);
  json_builder_end_array (builder);
}

/* The bearer token kept for this server and user in the keyring, if any.
 * Credentials live in libsecret, never in files or on the command line. */
static char *
lookup_token (const char *server,
              const char *user)
{
  static const SecretSchema schema = {
    "care.kith.Kith.Token", SECRET_SCHEMA_NONE,
    { { "server", SECRET_SCHEMA_ATTRIBUTE_STRING }, { "user", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  g_autoptr(GError) error = NULL;
  char *token = secret_password_lookup_sync (&schema, NULL, &error, "server", server, "user", user, NULL);

  if (error)
    g_printerr ("kith-tool: the keyring could not be read (%s); syncing without signing in\n", error->message);
  return token;
}

static int
command_sync (int   argc,
              char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— one sync cycle");
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autoptr(KithStore) store = NULL;
  g_autoptr(KithSyncClient) client = NULL;
  g_autoptr(KithSyncReport) report = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  int timeout = 15;
  GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_FILENAME, &profile, "The professional's profile (holds kith.db)", "DIR" },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, "The FHIR R4 base URL, e.g. http://127.0.0.1:8765/fhir", "URL" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "Sign in as this user (token from the keyring)", "USER" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds to wait for each reply (default 15)", "SECONDS" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("kith-tool: %s\n", error ? error->message : "unexpected arguments");
      return usage ();
    }
  if (profile == NULL || server == NULL)
    {
      g_printerr ("kith-tool: sync needs --profile DIR and --server URL\n");
      return usage ();
    }
  path = g_build_filename (profile, "kith.db", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_printerr ("kith-tool: there is no Kith store in %s\n", profile);
      return 1;
    }
  if (!(store = kith_store_open (path, &error)))
    {
      g_printerr ("kith-tool: %s\n", error->message);
      return 1;
    }
  /* A profile that syncs queues its edits from now on. */
  if (!kith_store_get_sync_enabled (store) && !kith_store_set_sync_enabled (store, TRUE, &error))
    {
      g_printerr ("kith-tool: %s\n", error->message);
      return 1;
    }
  g_clear_object (&store);

  client = kith_sync_client_new (path, server);
  kith_sync_client_set_timeout (client, (guint) CLAMP (timeout, 1, 600));
  if (user && (token = lookup_token (server, user)) != NULL)
    kith_sync_client_set_token (client, token);

  report = kith_sync_client_sync (client, NULL, &error);
  if (report == NULL)
    {
      g_printerr ("kith-tool: sync failed: %s\n", error->message);
      g_printerr ("kith-tool: %" G_GINT64_FORMAT " change(s) still waiting to be sent\n",
                  kith_sync_client_get_pending_count (client));
      return 1;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pushed");
  json_builder_add_int_value (builder, report->pushed);
  json_builder_set_member_name (builder, "pulled");
  json_builder_add_int_value (builder, report->pulled);
  json_builder_set_member_name (builder, "merged");
  json_builder_add_int_value (builder, report->merged);
  add_strings (builder, "conflicts", report->conflicts);
  add_strings (builder, "rejected", report->rejected);
  json_builder_set_member_name (builder, "pending");
  json_builder_add_int_value (builder, report->pending);
  json_builder_end_object (builder);
  print_json (builder);
  return 0;
}

static gboolean
parse_day (const char *text,
           GDate      *date)
{
  int year, month, day;
  char end;

  g_date_clear (date, 1);
  if (text == NULL || strlen (text) != 10 || sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static int
command_report (int   argc,
                char *argv[])
{
  const char *store_path = NULL, *profile = NULL, *from_text = NULL, *to_text = NULL, *csv = NULL, *pdf = NULL;
  const char *team = NULL, *coordinator = NULL, *baseline_name = NULL;
  g_autofree char *profile_store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithStore) store = NULL;
  g_autoptr(KithOutcomeResult) result = NULL;
  KithOutcomeFilter filter = { NULL, NULL, 0, NULL };
  GDate from, to;

  for (int i = 2; i < argc; i++)
    {
      const char **value = NULL;
      const char *tier = NULL;

      if (g_str_equal (argv[i], "--store"))
        value = &store_path;
      else if (g_str_equal (argv[i], "--profile"))
        value = &profile;
      else if (g_str_equal (argv[i], "--from"))
        value = &from_text;
      else if (g_str_equal (argv[i], "--to"))
        value = &to_text;
      else if (g_str_equal (argv[i], "--csv"))
        value = &csv;
      else if (g_str_equal (argv[i], "--pdf"))
        value = &pdf;
      else if (g_str_equal (argv[i], "--team"))
        value = &team;
      else if (g_str_equal (argv[i], "--coordinator"))
        value = &coordinator;
      else if (g_str_equal (argv[i], "--baseline"))
        value = &baseline_name;
      else if (g_str_equal (argv[i], "--tier"))
        value = &tier;
      else
        {
          g_printerr ("kith-tool: report: unknown option “%s”\n", argv[i]);
          return usage ();
        }
      if (i + 1 >= argc || *argv[i + 1] == '\0')
        {
          g_printerr ("kith-tool: report: %s needs a value\n", argv[i]);
          return usage ();
        }
      *value = argv[++i];
      if (tier != NULL)
        {
          /* --tier severe --tier moderate, or --tier severe,moderate */
          g_auto(GStrv) names = g_strsplit (tier, ",", -1);

          for (guint n = 0; names[n]; n++)
            {
              gboolean known = FALSE;

              for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
                if (g_str_equal (g_strstrip (names[n]), kith_frailty_band_id (band)))
                  {
                    filter.tiers |= KITH_CASELOAD_TIER (band);
                    known = TRUE;
                  }
              if (!known)
                {
                  g_printerr ("kith-tool: report: “%s” is not a risk tier (fit, mild, moderate or severe)\n", names[n]);
                  return usage ();
                }
            }
        }
    }
  if ((store_path == NULL) == (profile == NULL) || from_text == NULL || to_text == NULL || csv == NULL)
    {
      g_printerr ("kith-tool: report needs --store FILE or --profile DIR (one of them), --from DATE, --to DATE "
                  "and --csv DIR\n");
      return usage ();
    }
  if (!parse_day (from_text, &from) || !parse_day (to_text, &to))
    {
      g_printerr ("kith-tool: report: dates are written YYYY-MM-DD, as 2026-04-01\n");
      return usage ();
    }
  if (g_date_compare (&from, &to) > 0)
    {
      g_printerr ("kith-tool: report: --from %s is after --to %s\n", from_text, to_text);
      return usage ();
    }
  if (profile != NULL)
    store_path = profile_store = g_build_filename (profile, "kith.db", NULL);

  /* Opening would make an empty store: a wrong path is an error instead. */
  if (!g_file_test (store_path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("kith-tool: no store at %s\n", store_path);
      return 1;
    }
  if (!(store = kith_store_open (store_path, &error)))
    {
      g_printerr ("kith-tool: cannot open the store %s: %s\n", store_path, error->message);
      return 1;
    }
  filter.team = team;
  filter.coordinator = coordinator;
  if (!(result = kith_outcomes_compute (store, &filter, &from, &to, &error)))
    {
      g_printerr ("kith-tool: report: %s\n", error->message);
      return 1;
    }
  if (baseline_name)
    {
      g_autoptr(KithOutcomeBaseline) baseline = kith_outcomes_load_baseline (store, baseline_name, &error);

      if (baseline == NULL)
        {
          g_printerr ("kith-tool: report: %s\n", error->message);
          return 1;
        }
      kith_outcome_result_set_baseline (result, baseline);
    }
  if (!kith_outcomes_write_csv (result, csv, &error))
    {
      g_printerr ("kith-tool: report: %s\n", error->message);
      return 1;
    }
  g_print ("kith-tool: wrote %u indicator tables and indicators.csv to %s\n", result->indicators->len, csv);
  if (pdf)
    {
      gboolean ok = kith_outcomes_report_write_pdf (result, pdf, &error);

      /* Let go of the font caches, so a leak checker sees only real leaks. */
      pango_cairo_font_map_set_default (NULL);
      if (!ok)
        {
          g_printerr ("kith-tool: report: %s\n", error->message);
          return 1;
        }
      g_print ("kith-tool: wrote the report to %s\n", pdf);
    }

  /* The figures, as the exports show them: small numbers suppressed. */
  for (guint i = 0; i < result->indicators->len; i++)
    {
      const KithIndicatorResult *one = result->indicators->pdata[i];
      g_autofree char *numerator = kith_outcomes_format_count (one->numerator);
      g_autofree char *denominator = kith_outcomes_format_count (one->denominator);
      g_autofree char *rate = kith_outcomes_format_rate (one->numerator, one->denominator);

      g_print ("%-30s %6s of %-6s %s\n", one->spec->id, numerator, denominator, rate);
    }
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  if (argc < 2)
    return usage ();
  if (g_str_equal (argv[1], "instruments"))
    return command_instruments (argc, argv);
  if (g_str_equal (argv[1], "score"))
    return command_score (argc, argv);
  if (g_str_equal (argv[1], "sync"))
    return command_sync (argc, argv);
  if (g_str_equal (argv[1], "export-plan"))
    return command_export_plan (argc, argv);
  if (g_str_equal (argv[1], "report"))
    return command_report (argc, argv);
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      usage ();
      return 0;
    }
  g_printerr ("kith-tool: unknown command “%s”\n", argv[1]);
  return usage ();
}
