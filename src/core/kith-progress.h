/* kith-progress.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-types.h"

G_BEGIN_DECLS

/* The person's own progress over time: their scores (PHQ-9, GAD-7, the
 * distress rating, Care Act outcomes), their frailty tier and the
 * goal-attainment ratings agreed with them at each review, as series of
 * dated points for charts on screen and in the plan they keep at home. */

#define KITH_PROGRESS_ERROR (kith_progress_error_quark ())

typedef enum
{
  KITH_PROGRESS_ERROR_INVALID,     /* a rating out of range, a missing name */
  KITH_PROGRESS_ERROR_NOT_FOUND,   /* no such plan or goal */
} KithProgressError;

/* The code of a goal-attainment rating in KITH_PROGRESS_SCORE_SYSTEM. */
#define KITH_PROGRESS_SCORE_SYSTEM       KITH_FHIR_BASE "/CodeSystem/score"
#define KITH_PROGRESS_GOAL_ATTAINMENT    "goal-attainment"

typedef struct
{
  double  from;
  double  to;
  char   *label;     /* "Moderate" */
} KithSeriesBand;

typedef struct
{
  char   *date;      /* an ISO instant or date, as recorded */
  double  value;
  char   *label;     /* the band or the rating in words, or NULL */
} KithSeriesPoint;

typedef struct
{
  char       *id;           /* "phq-9/total", "frailty", "goal/<goal-id>" */
  char       *title;        /* "PHQ-9 (depression)", translated */
  char       *short_title;  /* "PHQ-9" */
  char       *about;        /* one plain sentence for the person: "Lower is better." */
  double      min;
  double      max;
  GStrv       value_labels; /* words for min, min+1 … max on a scale of words, or NULL */
  GPtrArray  *bands;        /* KithSeriesBand, low to high; may be empty */
  GPtrArray  *points;       /* KithSeriesPoint, oldest first; never empty */
} KithSeries;

KithSeries *kith_series_copy             (const KithSeries *series);
void        kith_series_free             (KithSeries *series);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithSeries, kith_series_free)

GQuark      kith_progress_error_quark    (void);

/* One KithSeries (transfer full) per measure the person has data for, in
 * a fixed order: PHQ-9, GAD-7, distress, Care Act outcomes, frailty, then
 * the goals of their current plan. */
GPtrArray  *kith_progress_list_series    (KithStore   *store,
                                          const char  *patient_id,
                                          GError     **error);

/* Records a goal-attainment rating agreed with the person (-2 much less
 * than expected … +2 much more than expected) for @goal_id of @plan_id. */
gboolean    kith_progress_rate_goal      (KithStore   *store,
                                          const char  *patient_id,
                                          const char  *plan_id,
                                          const char  *goal_id,
                                          int          rating,
                                          const char  *agreed_with,
                                          const char  *editor,
                                          GError     **error);

/* A rating in plain words, for the person: "Much less than expected". */
const char *kith_progress_rating_to_string (int rating);

/* A value as text: "12", "0.25", or the scale's words. */
char       *kith_series_format_value     (const KithSeries *series,
                                          double            value);
/* Seconds since 1970 for an ISO instant or date (UTC when no zone is
 * given), or G_MININT64 when it is not one. */
gint64      kith_series_parse_date       (const char       *date);
/* The date of a point in words: "3 March 2026". */
char       *kith_series_format_date      (const char       *date);
/* Point @index in words, for the label under a chart and for screen
 * readers: "PHQ-9 12 on 3 March 2026 (Moderate)". */
char       *kith_series_describe_point   (const KithSeries *series,
                                          guint             index);

G_END_DECLS
