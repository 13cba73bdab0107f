/* kith-format.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-format"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "kith-format.h"

/* Formats an ISO 8601 date ("2026-03-03", or the date part of a dateTime)
 * the way people in the UK write it. Returns NULL for NULL or "", and the
 * input unchanged when it is not a date, so nothing is silently hidden. */
char *
kith_format_iso_date (const char    *iso_date,
                      KithDateStyle  style)
{
  g_autoptr(GDateTime) date_time = NULL;
  int year, month, day;

  if (iso_date == NULL || *iso_date == '\0')
    return NULL;

  if (sscanf (iso_date, "%4d-%2d-%2d", &year, &month, &day) != 3 ||
      !g_date_valid_dmy (day, month, year) ||
      !(date_time = g_date_time_new_local (year, month, day, 0, 0, 0.0)))
    return g_strdup (iso_date);

  if (style == KITH_DATE_STYLE_SHORT)
    /* xgettext:no-c-format */
    /* Translators: a date in the caseload, "3 Mar 2026"; see g_date_time_format() */
    return g_date_time_format (date_time, _("%-d %b %Y"));

  /* xgettext:no-c-format */
  /* Translators: a date in a record, "3 March 2026"; see g_date_time_format() */
  return g_date_time_format (date_time, _("%-d %B %Y"));
}

/* "2,000" with the locale's digit grouping */
char *
kith_format_count (guint count)
{
  return g_strdup_printf ("%'u", count);
}

/* Formats an ISO 8601 instant ("2026-03-03T14:05:00Z") in local time:
 * "3 March 2026 at 14:05". Returns NULL for NULL or "", and the input
 * unchanged when it does not parse. */
char *
kith_format_instant (const char *iso_instant)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (iso_instant == NULL || *iso_instant == '\0')
    return NULL;

  if (!(utc = g_date_time_new_from_iso8601 (iso_instant, NULL)))
    return kith_format_iso_date (iso_instant, KITH_DATE_STYLE_LONG);

  local = g_date_time_to_local (utc);
  /* xgettext:no-c-format */
  /* Translators: a moment in a record, "3 March 2026 at 14:05"; see g_date_time_format() */
  return g_date_time_format (local, _("%-d %B %Y at %H:%M"));
}

char *
kith_format_last_synced (const char *iso_instant,
                         GDateTime  *now)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) local_now = NULL;
  g_autoptr(GDateTime) yesterday = NULL;
  g_autofree char *time = NULL;

  if (iso_instant == NULL || *iso_instant == '\0' ||
      !(utc = g_date_time_new_from_iso8601 (iso_instant, NULL)))
    return NULL;

  local = g_date_time_to_local (utc);
  local_now = now != NULL ? g_date_time_to_local (now) : g_date_time_new_now_local ();
  yesterday = g_date_time_add_days (local_now, -1);
  /* xgettext:no-c-format */
  /* Translators: a time of day, "14:32"; see g_date_time_format() */
  time = g_date_time_format (local, _("%H:%M"));

  if (g_date_time_get_year (local) == g_date_time_get_year (local_now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (local_now))
    /* Translators: %s is a time today, "14:32" */
    return g_strdup_printf (_("Last synced %s"), time);

  if (g_date_time_get_year (local) == g_date_time_get_year (yesterday) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (yesterday))
    /* Translators: %s is a time yesterday, "14:32" */
    return g_strdup_printf (_("Last synced yesterday at %s"), time);

  {
    g_autofree char *date = NULL;

    if (g_date_time_get_year (local) == g_date_time_get_year (local_now))
      /* xgettext:no-c-format */
      /* Translators: a date this year, "3 March"; see g_date_time_format() */
      date = g_date_time_format (local, _("%-d %B"));
    else
      /* xgettext:no-c-format */
      /* Translators: a date in another year, "3 March 2025"; see g_date_time_format() */
      date = g_date_time_format (local, _("%-d %B %Y"));

    /* Translators: %s is a date, "3 March" */
    return g_strdup_printf (_("Last synced on %s"), date);
  }
}

/* An answer in words, as the person gave it: the option's wording, a
 * number, "Yes" or "No", their text, or what was recorded instead. NULL
 * when there is no answer. */
char *
kith_format_answer (const KithInstrumentItem *item,
                    const KithAnswer         *answer)
{
  const KithAnswerOption *option;

  g_return_val_if_fail (item != NULL, NULL);

  if (answer == NULL)
    return NULL;

  switch (answer->kind)
    {
    case KITH_ANSWER_CODE:
      option = kith_instrument_item_lookup_option (item, answer->code);
      return g_strdup (option != NULL && option->display != NULL ? option->display : answer->code);

    case KITH_ANSWER_INTEGER:
      return g_strdup_printf ("%d", answer->integer);

    case KITH_ANSWER_BOOLEAN:
      return g_strdup (answer->integer ? _("Yes") : _("No"));

    case KITH_ANSWER_TEXT:
      return g_strdup (answer->text);

    case KITH_ANSWER_DECLINED:
      return g_strdup (_("Declined to answer"));

    case KITH_ANSWER_NOT_ASSESSED:
      return g_strdup (_("Not assessed"));

    case KITH_ANSWER_NONE:
    default:
      return NULL;
    }
}

/* A score as it reads on screen: "PHQ-9 12 · Moderate", or with
 * @separator ": " "PHQ-9: 12 · Moderate". The total of an instrument is
 * named after the instrument, other scores by their own title. Without a
 * value (questions left, or declined) the value is "—". */
char *
kith_format_score (KithInstrument  *instrument,
                   const KithScore *score,
                   const char      *separator)
{
  const char *name;
  g_autofree char *value = NULL;

  g_return_val_if_fail (KITH_IS_INSTRUMENT (instrument), NULL);
  g_return_val_if_fail (score != NULL, NULL);

  name = g_strcmp0 (score->name, "total") == 0 || score->title == NULL
         ? kith_instrument_get_title (instrument)
         : score->title;

  if (!score->has_value)
    value = g_strdup ("—");
  else if (score->band_title != NULL)
    /* Translators: a score and its band, "12 · Moderate" */
    value = g_strdup_printf (_("%g · %s"), score->value, score->band_title);
  else
    value = g_strdup_printf ("%g", score->value);

  return g_strconcat (name, separator != NULL ? separator : " ", value, NULL);
}

const char *
kith_format_risk_tier (const char *tier)
{
  for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
    if (g_strcmp0 (tier, kith_frailty_band_id (band)) == 0)
      return kith_frailty_band_label (band);

  return NULL;
}
