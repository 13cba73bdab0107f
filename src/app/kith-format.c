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
