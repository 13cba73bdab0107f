/* kith-outcomes.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kith-instrument.h"
#include "kith-types.h"

G_BEGIN_DECLS

/* Outcome indicators (issue 8): plan coverage, reviews on time, referral
 * times, follow-up after discharge, safety alerts, carers assessed, the
 * preferred place of death, and the experience and collaboRATE top-box
 * rates, all computed from the records of everyday work. Each indicator is
 * defined in words and keys in data/indicators/indicators.json (in the
 * GResource); the words are repeated in the README. Every figure is a
 * numerator over a denominator, for the whole period and month by month. */

#define KITH_OUTCOMES_ERROR (kith_outcomes_error_quark ())

typedef enum
{
  KITH_OUTCOMES_ERROR_INVALID,      /* a bad period, filter, name or answer */
  KITH_OUTCOMES_ERROR_DEFINITIONS,  /* the indicator definitions are broken */
  KITH_OUTCOMES_ERROR_NOT_FOUND,    /* no such indicator or baseline */
  KITH_OUTCOMES_ERROR_EXISTS,       /* a baseline of that name is frozen already */
  KITH_OUTCOMES_ERROR_WRITE,        /* an export could not be written */
} KithOutcomesError;

/* Counts under this are shown as "<5" in anything exported. */
#define KITH_OUTCOMES_SMALL_NUMBER 5

/* The longest period computed, in months. */
#define KITH_OUTCOMES_MAX_MONTHS 120

/* The experience questionnaire (data/instruments/experience.json). */
#define KITH_EXPERIENCE_INSTRUMENT "experience"

typedef enum
{
  KITH_INDICATOR_EVENT,     /* events counted in the month they happen: the months add up */
  KITH_INDICATOR_SNAPSHOT,  /* a count on the last day of each month and of the period */
} KithIndicatorKind;

typedef struct _KithIndicatorKeys KithIndicatorKeys;

/* One indicator's definition, in plain words, as the data file holds it. */
typedef struct
{
  char              *id;           /* "plan-coverage" */
  char              *title;
  KithIndicatorKind  kind;
  gboolean           has_median;   /* a median time in days is shown too */
  char              *numerator;
  char              *denominator;
  char              *period;
  char              *exclusions;
  char              *sources;
  KithIndicatorKeys *keys;         /* what the code reads; private */
} KithIndicatorSpec;

/* The definitions in their order (KithIndicatorSpec, owned by Kith: the
 * array is transfer container), or NULL with an error when the data file
 * is broken. */
GPtrArray               *kith_outcomes_list_indicators  (GError  **error);
const KithIndicatorSpec *kith_outcomes_lookup_indicator (const char *id);
/* The definitions file's notes on what the words mean ("caseload",
 * "dates", "months", "filters", "exports"), or NULL. */
const char              *kith_outcomes_get_note         (const char *name);

/* Who is counted. Every member may be NULL or 0: everyone. */
typedef struct
{
  const char *team;         /* the person's team, as the caseload filter matches it */
  const char *coordinator;  /* "Tunde Afolabi", or with the role "Tunde Afolabi (Care co-ordinator)" */
  guint       tiers;        /* risk tiers, a mask of KITH_CASELOAD_TIER (band); 0: every tier */
  GDateTime  *now;          /* NULL: now. "Too early to tell" and "today" are measured from it */
} KithOutcomeFilter;

typedef struct
{
  GDate    first;           /* the month's days within the period */
  GDate    last;
  guint    numerator;
  guint    denominator;
  gboolean has_median;
  double   median_days;
} KithOutcomeMonth;

typedef struct
{
  const KithIndicatorSpec *spec;
  guint                    numerator;
  guint                    denominator;
  gboolean                 has_median;
  double                   median_days;
  GArray                  *months;      /* KithOutcomeMonth, from the period's first month */
} KithIndicatorResult;

typedef struct _KithOutcomeBaseline KithOutcomeBaseline;

typedef struct
{
  GDate                from;
  GDate                to;
  char                *team;          /* the filter, NULL when not used */
  char                *coordinator;
  guint                tiers;
  char                *computed_at;   /* an instant */
  GPtrArray           *indicators;    /* KithIndicatorResult, in the definitions' order */
  KithOutcomeBaseline *baseline;      /* to compare with, or NULL */
  GStrv                teams;         /* every team and co-ordinator a filter can */
  GStrv                coordinators;  /* choose (as the caseload has them), sorted */
} KithOutcomeResult;

void                 kith_indicator_result_free   (KithIndicatorResult *result);
void                 kith_outcome_result_free     (KithOutcomeResult   *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithIndicatorResult, kith_indicator_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithOutcomeResult, kith_outcome_result_free)

GQuark               kith_outcomes_error_quark    (void);

/* Every indicator for the people @filter chooses (NULL: everyone), for
 * the days @from to @to (inclusive, at most KITH_OUTCOMES_MAX_MONTHS
 * months). What the store holds is read once into memory with a few
 * queries and kept with the store until something in it changes; a new
 * period or filter then costs milliseconds. */
KithOutcomeResult   *kith_outcomes_compute        (KithStore               *store,
                                                   const KithOutcomeFilter *filter,
                                                   const GDate             *from,
                                                   const GDate             *to,
                                                   GError                 **error);
/* One indicator, as above (after a filter change). */
KithIndicatorResult *kith_outcomes_compute_indicator (KithStore               *store,
                                                      const char              *indicator_id,
                                                      const KithOutcomeFilter *filter,
                                                      const GDate             *from,
                                                      const GDate             *to,
                                                      GError                 **error);
const KithIndicatorResult *kith_outcome_result_lookup (const KithOutcomeResult *result,
                                                       const char              *indicator_id);
/* numerator / denominator × 100, or NAN when the denominator is 0 */
double               kith_outcomes_rate           (guint                    numerator,
                                                   guint                    denominator);

/* The same, off the main loop: on a worker thread, with a connection of
 * its own to @store's file, opened by the first call and kept with @store
 * so that what it read stays read between calls (the first compute on a
 * large store reads for seconds; later ones take milliseconds). Calls run
 * one after another. A cancelled call finishes with G_IO_ERROR_CANCELLED;
 * the reading it started goes on while another call waits for it, and
 * stops when every waiting call is cancelled. */
void                 kith_outcomes_compute_async  (KithStore               *store,
                                                   const KithOutcomeFilter *filter,
                                                   const GDate             *from,
                                                   const GDate             *to,
                                                   GCancellable            *cancellable,
                                                   GAsyncReadyCallback      callback,
                                                   gpointer                 user_data);
KithOutcomeResult   *kith_outcomes_compute_finish (KithStore               *store,
                                                   GAsyncResult            *result,
                                                   GError                 **error);
/* kith_outcomes_freeze_baseline() on that worker's connection, so that
 * what it read stays good. */
void                 kith_outcomes_freeze_baseline_async  (KithStore               *store,
                                                           const char              *name,
                                                           const KithOutcomeFilter *filter,
                                                           const GDate             *from,
                                                           const GDate             *to,
                                                           GCancellable            *cancellable,
                                                           GAsyncReadyCallback      callback,
                                                           gpointer                 user_data);
gboolean             kith_outcomes_freeze_baseline_finish (KithStore               *store,
                                                           GAsyncResult            *result,
                                                           GError                 **error);
/* Forgets what kith_outcomes_compute() read from @store (for benchmarks). */
void                 kith_outcomes_forget         (KithStore               *store);

/* --- small numbers ---------------------------------------------------- */

/* "<5" for a count under KITH_OUTCOMES_SMALL_NUMBER, else the count. */
char                *kith_outcomes_format_count   (guint                    count);
/* "62.5%", or "–" when either count is under KITH_OUTCOMES_SMALL_NUMBER
 * or the denominator is 0: a rate would give the small count away. */
char                *kith_outcomes_format_rate    (guint                    numerator,
                                                   guint                    denominator);
/* What an export shows of a month's count. */
enum
{
  KITH_OUTCOMES_SHOWN,   /* the count */
  KITH_OUTCOMES_SMALL,   /* "<5" */
  KITH_OUTCOMES_HIDDEN,  /* "*": hidden so that a small month cannot be worked out */
};

/* Which months of @result an export hides: for the numerators and for the
 * denominators, one value per month. A month under 5 is KITH_OUTCOMES_SMALL,
 * and when only one month of an event indicator's row is, the smallest
 * month still shown is KITH_OUTCOMES_HIDDEN: with the period's total
 * shown, it could be worked out from the others. */
void                 kith_outcomes_suppress_months (const KithIndicatorResult *result,
                                                    guint8                   *numerator_hidden,
                                                    guint8                   *denominator_hidden);
/* A month's count as an export shows it: the count, "<5" or "*". */
char                *kith_outcomes_format_month_count (guint                  count,
                                                       guint8                 hidden);

/* --- baselines -------------------------------------------------------- */

/* A frozen set of figures to compare later periods with, kept in the
 * store (a store setting; it does not sync). Aggregate counts only. */
typedef struct
{
  char     *indicator_id;
  guint     numerator;
  guint     denominator;
  gboolean  has_median;
  double    median_days;
} KithBaselineValue;

struct _KithOutcomeBaseline
{
  char      *name;
  char      *frozen_at;     /* an instant */
  GDate      from;
  GDate      to;
  char      *team;          /* the filter it was frozen with, NULL when not used */
  char      *coordinator;
  guint      tiers;
  GPtrArray *values;        /* KithBaselineValue */
};

void                 kith_outcome_baseline_free   (KithOutcomeBaseline     *baseline);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithOutcomeBaseline, kith_outcome_baseline_free)

/* Computes the period and keeps its figures under @name (1 to 80
 * characters), with the filter. A name frozen already is
 * KITH_OUTCOMES_ERROR_EXISTS: a baseline never changes once frozen. */
gboolean             kith_outcomes_freeze_baseline (KithStore               *store,
                                                    const char              *name,
                                                    const KithOutcomeFilter *filter,
                                                    const GDate             *from,
                                                    const GDate             *to,
                                                    GError                 **error);
/* KithOutcomeBaseline (transfer full), oldest first */
GPtrArray           *kith_outcomes_list_baselines (KithStore               *store,
                                                   GError                 **error);
KithOutcomeBaseline *kith_outcomes_load_baseline  (KithStore               *store,
                                                   const char              *name,
                                                   GError                 **error);
gboolean             kith_outcomes_delete_baseline (KithStore              *store,
                                                    const char             *name,
                                                    GError                **error);
const KithBaselineValue *kith_outcome_baseline_lookup (const KithOutcomeBaseline *baseline,
                                                       const char                *indicator_id);
/* Compares @result with @baseline (copied), for the exports. */
void                 kith_outcome_result_set_baseline (KithOutcomeResult         *result,
                                                       const KithOutcomeBaseline *baseline);
/* The change in rate since the baseline, in percentage points (higher is
 * better for every indicator); FALSE when either rate is unknown. */
gboolean             kith_outcomes_compare        (const KithIndicatorResult *result,
                                                   const KithOutcomeBaseline *baseline,
                                                   double                    *change);

/* --- exports ---------------------------------------------------------- */

/* One CSV per indicator table into @dir (made if missing): indicators.csv,
 * a row per indicator, and <indicator id>.csv, a row per month. Counts
 * only, small numbers suppressed; each file is written whole (or not at
 * all) with mode 0600. */
gboolean             kith_outcomes_write_csv      (const KithOutcomeResult *result,
                                                   const char              *dir,
                                                   GError                 **error);

/* --- the experience questionnaire -------------------------------------- */

/* Saves the person's answers to the experience questionnaire (an answer
 * set of KITH_EXPERIENCE_INSTRUMENT) as a completed QuestionnaireResponse:
 * @authored an instant (NULL: now), @plan_id the plan whose review it
 * follows (basedOn), or NULL. Returns the response's id. */
char                *kith_experience_save         (KithStore               *store,
                                                   const char              *patient_id,
                                                   KithAnswerSet           *answers,
                                                   const char              *plan_id,
                                                   const char              *authored,
                                                   GError                 **error);
/* collaboRATE after a review (data/instruments/collaborate.json): three
 * questions, each 0 ("no effort was made") to 4 ("every effort was made"). */
#define KITH_COLLABORATE_INSTRUMENT "collaborate"

typedef enum
{
  KITH_EXPERIENCE_SHARED_SCREEN,  /* the person answered on the professional's screen */
  KITH_EXPERIENCE_FROM_PAPER,     /* typed in from the person's paper form */
} KithExperienceSource;

typedef struct
{
  const char           *patient_id;
  const char           *plan_id;      /* the plan reviewed (basedOn), or NULL */
  KithAnswerSet        *experience;   /* answers to KITH_EXPERIENCE_INSTRUMENT, or NULL */
  KithAnswerSet        *collaborate;  /* answers to KITH_COLLABORATE_INSTRUMENT, or NULL */
  KithExperienceSource  source;
  const char           *recorded_by;  /* the professional who handed over or typed in, or NULL */
  const char           *authored;     /* an instant; NULL: now */
} KithExperienceRecord;

/* Saves one sitting: each answer set with something answered as a
 * completed QuestionnaireResponse, in one transaction, with the person as
 * its source, who recorded it as author, and how it was answered in the
 * extension answered-on ("shared-screen" or "paper"). Returns the ids
 * saved, experience first; nothing answered at all is an error. */
GStrv                kith_experience_record       (KithStore                  *store,
                                                   const KithExperienceRecord *record,
                                                   GError                    **error);
/* Whether @answers holds the best answer (the top box) to @link_id. */
gboolean             kith_experience_is_top_box   (KithAnswerSet           *answers,
                                                   const char              *link_id);

G_END_DECLS
