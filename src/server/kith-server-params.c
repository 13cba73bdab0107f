/* kith-server-params.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a request may carry besides its path and body: query parameters,
 * FHIR instants, If-Match versions and the paging cursors of next links.
 * Everything here comes from outside, so every function checks its input
 * completely and refuses rather than guesses.
 */

#define G_LOG_DOMAIN "kith-server"

#include "config.h"

#include <string.h>

#include "kith-fhir.h"
#include "kith-server-params.h"

#define CURSOR_VERSION "1"
#define CURSOR_PARTS   7

/* Kept in the order of kith-fhir.c's list; AuditEvent is left out. */
static const char * const served_types[] = {
  "CarePlan",
  "CareTeam",
  "Communication",
  "Condition",
  "Consent",
  "Encounter",
  "Flag",
  "Goal",
  "Observation",
  "Organization",
  "Patient",
  "Practitioner",
  "PractitionerRole",
  "Provenance",
  "Questionnaire",
  "QuestionnaireResponse",
  "RelatedPerson",
  "ServiceRequest",
  "Task",
  NULL
};

const char * const *
kith_server_served_types (void)
{
  return served_types;
}

gboolean
kith_server_serves_type (const char *type)
{
  return type != NULL && g_strv_contains (served_types, type);
}

void
kith_query_param_free (KithQueryParam *param)
{
  if (param == NULL)
    return;

  g_free (param->name);
  g_free (param->value);
  g_free (param);
}

/* Decodes one form-encoded name or value, or NULL. */
static char *
decode_query_part (const char *start,
                   const char *end)
{
  g_autofree char *plain = g_strndup (start, end - start);
  g_autofree char *decoded = NULL;

  g_strdelimit (plain, "+", ' ');
  decoded = g_uri_unescape_string (plain, NULL);
  if (decoded == NULL || !g_utf8_validate (decoded, -1, NULL))
    return NULL;

  return g_steal_pointer (&decoded);
}

GPtrArray *
kith_server_parse_query (const char *raw_query)
{
  g_autoptr(GPtrArray) params =
    g_ptr_array_new_with_free_func ((GDestroyNotify) kith_query_param_free);
  const char *p = raw_query;

  if (raw_query == NULL)
    return g_steal_pointer (&params);
  if (strlen (raw_query) > KITH_SERVER_MAX_QUERY)
    return NULL;

  while (*p != '\0')
    {
      const char *end = strchr (p, '&');
      const char *equals;
      g_autoptr(KithQueryParam) param = NULL;

      if (end == NULL)
        end = p + strlen (p);

      if (end > p)
        {
          if (params->len >= KITH_SERVER_MAX_QUERY_PARAMS)
            return NULL;

          equals = memchr (p, '=', end - p);
          param = g_new0 (KithQueryParam, 1);
          param->name = decode_query_part (p, equals != NULL ? equals : end);
          param->value = equals != NULL ? decode_query_part (equals + 1, end) : g_strdup ("");
          if (param->name == NULL || param->value == NULL)
            return NULL;
          g_ptr_array_add (params, g_steal_pointer (&param));
        }

      if (*end == '\0')
        break;
      p = end + 1;
    }

  return g_steal_pointer (&params);
}

static gboolean
all_digits (const char *text,
            gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* Checks the exact FHIR shape of an instant (or a date): GLib's ISO 8601
 * parser takes many more forms than FHIR allows. Sets @has_time and
 * @has_fraction. */
static gboolean
check_instant_shape (const char *text,
                     gboolean    allow_date,
                     gboolean   *has_time,
                     gboolean   *has_fraction)
{
  gsize length = strlen (text);
  const char *zone;
  gsize i;

  *has_time = FALSE;
  *has_fraction = FALSE;

  /* YYYY-MM-DD */
  if (length < 10 || !all_digits (text, 4) || text[4] != '-' || !all_digits (text + 5, 2) ||
      text[7] != '-' || !all_digits (text + 8, 2))
    return FALSE;
  if (length == 10)
    return allow_date;

  /* Thh:mm:ss */
  if (length < 20 || text[10] != 'T' || !all_digits (text + 11, 2) || text[13] != ':' ||
      !all_digits (text + 14, 2) || text[16] != ':' || !all_digits (text + 17, 2))
    return FALSE;
  *has_time = TRUE;

  i = 19;
  if (text[i] == '.')
    {
      gsize start = ++i;

      while (g_ascii_isdigit (text[i]))
        i++;
      if (i == start || i - start > 9)
        return FALSE;
      *has_fraction = TRUE;
    }

  /* Z or ±hh:mm */
  zone = text + i;
  if (g_str_equal (zone, "Z"))
    return TRUE;
  return strlen (zone) == 6 && (zone[0] == '+' || zone[0] == '-') && all_digits (zone + 1, 2) &&
         zone[3] == ':' && all_digits (zone + 4, 2);
}

char *
kith_server_parse_instant (const char  *text,
                           gboolean     allow_date,
                           char       **range_end)
{
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gboolean has_time, has_fraction;

  if (range_end != NULL)
    *range_end = NULL;

  if (text == NULL || !check_instant_shape (text, allow_date, &has_time, &has_fraction))
    return NULL;

  if (has_time)
    parsed = g_date_time_new_from_iso8601 (text, NULL);
  else
    {
      g_autofree char *midnight = g_strconcat (text, "T00:00:00Z", NULL);

      parsed = g_date_time_new_from_iso8601 (midnight, NULL);
    }
  if (parsed == NULL)
    return NULL;

  /* Whole milliseconds, in UTC, as the store keeps them. */
  {
    g_autoptr(GDateTime) in_utc = g_date_time_to_timezone (parsed, utc);

    if (in_utc == NULL)
      return NULL;
    start = g_date_time_add (in_utc, -(g_date_time_get_microsecond (in_utc) % 1000));
  }
  if (start == NULL || g_date_time_get_year (start) < 1000 || g_date_time_get_year (start) > 9998)
    return NULL;

  if (range_end != NULL)
    {
      if (!has_time)
        end = g_date_time_add_days (start, 1);
      else if (!has_fraction)
        end = g_date_time_add (start, G_TIME_SPAN_SECOND);
      else
        end = g_date_time_add (start, G_TIME_SPAN_MILLISECOND);
      if (end == NULL)
        return NULL;
      *range_end = kith_fhir_format_instant (end);
    }

  return kith_fhir_format_instant (start);
}

gboolean
kith_server_is_store_instant (const char *text)
{
  g_autofree char *canonical = NULL;

  /* "2026-01-01T09:00:00.000Z" */
  if (text == NULL || strlen (text) != 24)
    return FALSE;
  canonical = kith_server_parse_instant (text, FALSE, NULL);

  return canonical != NULL && g_str_equal (canonical, text);
}

void
kith_cursor_clear (KithCursor *cursor)
{
  g_clear_pointer (&cursor->as_of, g_free);
  g_clear_pointer (&cursor->last_updated, g_free);
  g_clear_pointer (&cursor->type, g_free);
  g_clear_pointer (&cursor->id, g_free);
  g_clear_pointer (&cursor->version_id, g_free);
}

char *
kith_server_encode_cursor (char              kind,
                           const KithCursor *cursor)
{
  char kind_text[2] = { kind, '\0' };
  g_autofree char *plain = NULL;
  g_autofree char *encoded = NULL;
  gsize length;

  g_return_val_if_fail (g_ascii_isalpha (kind), NULL);
  g_return_val_if_fail (kith_server_is_store_instant (cursor->as_of), NULL);
  g_return_val_if_fail (kith_server_is_store_instant (cursor->last_updated), NULL);
  g_return_val_if_fail (kith_fhir_is_known_type (cursor->type), NULL);
  g_return_val_if_fail (kith_fhir_is_valid_id (cursor->id), NULL);
  g_return_val_if_fail (kith_fhir_is_valid_id (cursor->version_id), NULL);

  /* No part can hold '|': instants, type names and FHIR ids never do. */
  plain = g_strjoin ("|", CURSOR_VERSION, kind_text, cursor->as_of, cursor->last_updated,
                     cursor->type, cursor->id, cursor->version_id, NULL);
  encoded = g_base64_encode ((const guchar *) plain, strlen (plain));

  /* base64url without padding: safe in a query string as it is. */
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  length = strlen (encoded);
  while (length > 0 && encoded[length - 1] == '=')
    encoded[--length] = '\0';

  return g_steal_pointer (&encoded);
}

gboolean
kith_server_decode_cursor (const char *token,
                           char        kind,
                           KithCursor *cursor)
{
  g_autoptr(GString) padded = NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree char *plain = NULL;
  g_auto(GStrv) parts = NULL;
  char kind_text[2] = { kind, '\0' };
  gsize length;

  memset (cursor, 0, sizeof *cursor);

  if (token == NULL || token[0] == '\0' || strlen (token) > 512)
    return FALSE;
  for (const char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  if (strlen (token) % 4 == 1)
    return FALSE;

  padded = g_string_new (token);
  g_strdelimit (padded->str, "-", '+');
  g_strdelimit (padded->str, "_", '/');
  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');

  decoded = g_base64_decode (padded->str, &length);
  if (decoded == NULL || length == 0 || memchr (decoded, '\0', length) != NULL)
    return FALSE;
  plain = g_strndup ((const char *) decoded, length);
  if (!g_utf8_validate (plain, -1, NULL))
    return FALSE;

  parts = g_strsplit (plain, "|", -1);
  if (g_strv_length (parts) != CURSOR_PARTS ||
      !g_str_equal (parts[0], CURSOR_VERSION) ||
      !g_str_equal (parts[1], kind_text) ||
      !kith_server_is_store_instant (parts[2]) ||
      !kith_server_is_store_instant (parts[3]) ||
      !kith_fhir_is_known_type (parts[4]) ||
      !kith_fhir_is_valid_id (parts[5]) ||
      !kith_fhir_is_valid_id (parts[6]))
    return FALSE;

  cursor->as_of = g_strdup (parts[2]);
  cursor->last_updated = g_strdup (parts[3]);
  cursor->type = g_strdup (parts[4]);
  cursor->id = g_strdup (parts[5]);
  cursor->version_id = g_strdup (parts[6]);

  return TRUE;
}

char *
kith_server_parse_if_match (const char *value)
{
  g_autofree char *text = NULL;
  char *version;
  gsize length;

  if (value == NULL)
    return NULL;

  text = g_strstrip (g_strdup (value));
  version = text;
  if (g_str_has_prefix (version, "W/"))
    version += 2;

  length = strlen (version);
  if (length >= 2 && version[0] == '"' && version[length - 1] == '"')
    {
      version[length - 1] = '\0';
      version++;
    }

  if (!kith_fhir_is_valid_id (version))
    return NULL;

  return g_strdup (version);
}
