/* kith-outcomes.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Outcome indicators from everyday records (issue 8).
 *
 * What the indicators need is read from the store in a few queries
 * (json_extract in sqlite does the JSON; nothing here parses a whole
 * resource with json-glib except the few crisis answers of people who
 * died) into compact "facts": per person their team, co-ordinator, tier,
 * when they were added and died; the days each plan qualified for plan
 * coverage; every review date that fell due and whether it was met;
 * referrals, discharges, alerts, carers, experience answers and shared
 * decisions as small structs. The facts stay with the store (object data)
 * until anything in it changes: this connection's total_changes or
 * another connection's commit (PRAGMA data_version). A period and a
 * filter are then a pass over those arrays.
 */

#define G_LOG_DOMAIN "kith-outcomes"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kith-caseload.h"
#include "kith-fhir.h"
#include "kith-frailty.h"
#include "kith-instrument-library.h"
#include "kith-outcomes.h"
#include "kith-store-private.h"

#define INDICATORS_RESOURCE  "/care/kith/Kith/indicators/indicators.json"
#define BASELINES_SETTING    "outcome-baselines"
#define QUESTIONNAIRE_BASE   KITH_FHIR_BASE "/Questionnaire/"
#define FACTS_KEY            "kith-outcomes-facts"
#define NOT_A_PERSON         G_MAXUINT32
#define OPEN_END             G_MAXUINT32

/* Generated with the GResource (gen-resources.py). */
void kith_core_register_resource (void);

G_DEFINE_QUARK (kith-outcomes-error-quark, kith_outcomes_error)

/* --- the definitions ------------------------------------------------------ */

typedef enum
{
  COMPUTE_PLAN_COVERAGE,
  COMPUTE_REVIEWS,
  COMPUTE_TRIAGE,
  COMPUTE_FIRST_CONTACT,
  COMPUTE_DISCHARGE,
  COMPUTE_ALERTS,
  COMPUTE_CARERS,
  COMPUTE_PLACE_RECORDED,
  COMPUTE_PLACE_MET,
  COMPUTE_EXPERIENCE,
  COMPUTE_COLLABORATE,
} Computation;

/* How each indicator is computed, by its id; "experience-" indicators
 * differ only in the statement they count, which their keys name. */
static const struct { const char *id; Computation computation; const char * const *needs; } computations[] = {
  { "plan-coverage", COMPUTE_PLAN_COVERAGE,
    (const char *[]) { "agreed_states", "agreed_fhir_status", "coordinator_role", "crisis_extensions", NULL } },
  { "reviews-on-time", COMPUTE_REVIEWS, (const char *[]) { "review_extension", "agreement_extension", NULL } },
  { "referral-to-triage", COMPUTE_TRIAGE, (const char *[]) { "task_code", "end_extension", "standard_days", NULL } },
  { "referral-to-first-contact", COMPUTE_FIRST_CONTACT,
    (const char *[]) { "task_code", "end_extension", "declined_status", "standard_days", NULL } },
  { "discharge-follow-up", COMPUTE_DISCHARGE, (const char *[]) { "stay_code", "contact_codes", "standard_days", NULL } },
  { "safety-alerts-closed", COMPUTE_ALERTS, (const char *[]) { "flag_category", "standard_hours", NULL } },
  { "carers-assessed", COMPUTE_CARERS, (const char *[]) { "months", NULL } },
  { "preferred-place-recorded", COMPUTE_PLACE_RECORDED, (const char *[]) { "instrument", "item", NULL } },
  { "preferred-place-met", COMPUTE_PLACE_MET, (const char *[]) { "instrument", "item", "extension", NULL } },
  { "collaborate-top", COMPUTE_COLLABORATE, (const char *[]) { "decision_extension", "top_answer", NULL } },
};

static const char * const experience_needs[] = { "instrument", "item", "top_box", NULL };

struct _KithIndicatorKeys
{
  JsonObject  *object;
  Computation  computation;
  guint        experience_item;   /* COMPUTE_EXPERIENCE: its statement's place in Facts */
};

typedef struct
{
  GPtrArray  *specs;        /* KithIndicatorSpec */
  JsonObject *common;
  GPtrArray  *experience;   /* the experience specs, in order: their items */
  GError     *error;
} Definitions;

static void
spec_free (KithIndicatorSpec *spec)
{
  g_free (spec->id);
  g_free (spec->title);
  g_free (spec->numerator);
  g_free (spec->denominator);
  g_free (spec->period);
  g_free (spec->exclusions);
  g_free (spec->sources);
  if (spec->keys)
    g_clear_pointer (&spec->keys->object, json_object_unref);
  g_free (spec->keys);
  g_free (spec);
}

static const char *
key_string (const KithIndicatorSpec *spec,
            const char              *name)
{
  JsonNode *node = json_object_get_member (spec->keys->object, name);

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static int
key_int (const KithIndicatorSpec *spec,
         const char              *name)
{
  JsonNode *node = json_object_get_member (spec->keys->object, name);

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
         ? (int) CLAMP (json_node_get_int (node), 0, 100000) : -1;
}

static JsonArray *
key_array (const KithIndicatorSpec *spec,
           const char              *name)
{
  JsonNode *node = json_object_get_member (spec->keys->object, name);

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
key_array_contains (const KithIndicatorSpec *spec,
                    const char              *name,
                    const char              *value)
{
  JsonArray *array = key_array (spec, name);

  for (guint i = 0; array && value && i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
key_present (const KithIndicatorSpec *spec,
             const char              *name)
{
  JsonNode *node = json_object_get_member (spec->keys->object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      if (json_array_get_length (array) == 0)
        return FALSE;
      for (guint i = 0; i < json_array_get_length (array); i++)
        if (json_array_get_string_element (array, i) == NULL)
          return FALSE;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node) >= 0;
  return key_string (spec, name) != NULL && *key_string (spec, name) != '\0';
}

static char *
member_text (JsonObject *object,
             const char *name)
{
  const char *text = kith_fhir_get_string (object, name);

  return text && *text ? g_strdup (text) : NULL;
}

static KithIndicatorSpec *
parse_spec (JsonObject  *object,
            GPtrArray   *experience,
            GError     **error)
{
  g_autoptr(GPtrArray) owner = g_ptr_array_new_with_free_func ((GDestroyNotify) spec_free);
  KithIndicatorSpec *spec = g_new0 (KithIndicatorSpec, 1);
  const char *kind = kith_fhir_get_string (object, "kind");
  const char * const *needs = NULL;
  JsonObject *keys = kith_fhir_get_object (object, "keys");

  g_ptr_array_add (owner, spec);
  spec->id = member_text (object, "id");
  spec->title = member_text (object, "title");
  spec->numerator = member_text (object, "numerator");
  spec->denominator = member_text (object, "denominator");
  spec->period = member_text (object, "period");
  spec->exclusions = member_text (object, "exclusions");
  spec->sources = member_text (object, "sources");
  spec->has_median = g_strcmp0 (kith_fhir_get_string (object, "median"), "days") == 0;
  spec->keys = g_new0 (KithIndicatorKeys, 1);
  spec->keys->object = keys ? json_object_ref (keys) : json_object_new ();

  if (!spec->id || !spec->title || !spec->numerator || !spec->denominator || !spec->period ||
      !spec->exclusions || !spec->sources || (g_strcmp0 (kind, "event") != 0 && g_strcmp0 (kind, "snapshot") != 0))
    {
      g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_DEFINITIONS,
                   "Indicator “%s”: every definition needs an id, a title, a kind (event or snapshot), "
                   "and its numerator, denominator, period, exclusions and sources in words",
                   spec->id ? spec->id : "?");
      return NULL;
    }
  spec->kind = g_str_equal (kind, "event") ? KITH_INDICATOR_EVENT : KITH_INDICATOR_SNAPSHOT;

  if (g_str_has_prefix (spec->id, "experience-"))
    {
      spec->keys->computation = COMPUTE_EXPERIENCE;
      spec->keys->experience_item = experience->len;
      needs = experience_needs;
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (computations); i++)
        if (g_str_equal (computations[i].id, spec->id))
          {
            spec->keys->computation = computations[i].computation;
            needs = computations[i].needs;
          }
    }
  if (needs == NULL)
    {
      g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_DEFINITIONS,
                   "Indicator “%s”: Kith does not know how to compute it", spec->id);
      return NULL;
    }
  for (guint i = 0; needs[i]; i++)
    if (!key_present (spec, needs[i]))
      {
        g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_DEFINITIONS,
                     "Indicator “%s”: its keys need “%s”", spec->id, needs[i]);
        return NULL;
      }
  /* Snapshots and events are computed differently: the kind must match. */
  if ((spec->kind == KITH_INDICATOR_SNAPSHOT) !=
      (spec->keys->computation == COMPUTE_PLAN_COVERAGE || spec->keys->computation == COMPUTE_CARERS))
    {
      g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_DEFINITIONS,
                   "Indicator “%s”: the wrong kind", spec->id);
      return NULL;
    }
  if (spec->keys->computation == COMPUTE_EXPERIENCE)
    g_ptr_array_add (experience, spec);
  return g_ptr_array_steal_index (owner, 0);
}

static void
load_definitions (Definitions *defs)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *root;
  JsonArray *list;

  kith_core_register_resource ();
  defs->specs = g_ptr_array_new_with_free_func ((GDestroyNotify) spec_free);
  defs->experience = g_ptr_array_new ();
  if (!(bytes = g_resources_lookup_data (INDICATORS_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &defs->error)) ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &defs->error))
    return;
  root = json_parser_get_root (parser);
  list = root && JSON_NODE_HOLDS_OBJECT (root) ? kith_fhir_get_array (json_node_get_object (root), "indicators") : NULL;
  if (list == NULL)
    {
      g_set_error_literal (&defs->error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_DEFINITIONS,
                           "The indicator definitions have no list of indicators");
      return;
    }
  if (kith_fhir_get_object (json_node_get_object (root), "common"))
    defs->common = json_object_ref (kith_fhir_get_object (json_node_get_object (root), "common"));
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      KithIndicatorSpec *spec;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !(spec = parse_spec (json_node_get_object (node), defs->experience, &defs->error)))
        {
          if (defs->error == NULL)
            g_set_error_literal (&defs->error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_DEFINITIONS,
                                 "An indicator definition is not an object");
          g_ptr_array_set_size (defs->specs, 0);
          g_ptr_array_set_size (defs->experience, 0);
          return;
        }
      if (!g_hash_table_add (seen, spec->id))
        {
          g_set_error (&defs->error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_DEFINITIONS,
                       "Indicator “%s” is defined twice", spec->id);
          spec_free (spec);
          g_ptr_array_set_size (defs->specs, 0);
          g_ptr_array_set_size (defs->experience, 0);
          return;
        }
      g_ptr_array_add (defs->specs, spec);
    }
}

static Definitions *
get_definitions (GError **error)
{
  static Definitions defs;
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      load_definitions (&defs);
      g_once_init_leave (&loaded, 1);
    }
  if (defs.error)
    {
      if (error)
        *error = g_error_copy (defs.error);
      return NULL;
    }
  return &defs;
}

GPtrArray *
kith_outcomes_list_indicators (GError **error)
{
  Definitions *defs = get_definitions (error);
  GPtrArray *list;

  if (defs == NULL)
    return NULL;
  list = g_ptr_array_sized_new (defs->specs->len);
  for (guint i = 0; i < defs->specs->len; i++)
    g_ptr_array_add (list, defs->specs->pdata[i]);
  return list;
}

const KithIndicatorSpec *
kith_outcomes_lookup_indicator (const char *id)
{
  Definitions *defs = get_definitions (NULL);

  for (guint i = 0; defs && id && i < defs->specs->len; i++)
    if (g_str_equal (((KithIndicatorSpec *) defs->specs->pdata[i])->id, id))
      return defs->specs->pdata[i];
  return NULL;
}

const char *
kith_outcomes_get_note (const char *name)
{
  Definitions *defs = get_definitions (NULL);

  return defs && defs->common && name ? kith_fhir_get_string (defs->common, name) : NULL;
}

static const KithIndicatorSpec *
spec_for (Computation computation)
{
  Definitions *defs = get_definitions (NULL);

  for (guint i = 0; defs && i < defs->specs->len; i++)
    if (((KithIndicatorSpec *) defs->specs->pdata[i])->keys->computation == computation)
      return defs->specs->pdata[i];
  return NULL;
}

/* --- days and times ------------------------------------------------------- */

/* The Julian day of the date a text starts with ("2026-03-01…"), or 0. */
static guint32
day_of (const char *text)
{
  guint year = 0, month = 0, day = 0;

  if (text == NULL || strlen (text) < 10 || text[4] != '-' || text[7] != '-')
    return 0;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return 0;
  year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  month = (text[5] - '0') * 10 + (text[6] - '0');
  day = (text[8] - '0') * 10 + (text[9] - '0');
  if (!g_date_valid_dmy (day, month, year))
    return 0;
  {
    GDate date;

    g_date_clear (&date, 1);
    g_date_set_dmy (&date, day, month, year);
    return g_date_get_julian (&date);
  }
}

/* Microseconds since the epoch of an instant with its zone, or 0. A date
 * alone counts as midnight UTC. */
static gint64
instant_of (const char *text)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GTimeZone) utc = NULL;

  if (text == NULL || *text == '\0')
    return 0;
  utc = g_time_zone_new_utc ();
  if (strlen (text) == 10)
    {
      g_autofree char *midnight = g_strconcat (text, "T00:00:00Z", NULL);

      when = g_date_time_new_from_iso8601 (midnight, utc);
    }
  else
    when = g_date_time_new_from_iso8601 (text, utc);
  if (when == NULL)
    return 0;
  return g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
}


/* The same day @months earlier (the 31st becoming the month's last day). */
static guint32
months_before (guint32 day,
               guint   months)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, day);
  g_date_subtract_months (&date, months);
  return g_date_get_julian (&date);
}

/* --- facts --------------------------------------------------------------- */

typedef struct
{
  guint32 person;
  guint32 start;    /* days [start, end) the plan qualified */
  guint32 end;
} Interval;

typedef struct
{
  guint32 person;
  guint32 day;      /* the review date */
  gboolean done;    /* agreed again on time */
} Review;

typedef struct
{
  guint32  person;
  guint32  received;
  guint32  triaged;   /* 0: not yet */
  guint32  contacted; /* 0: not yet */
  gboolean declined;
} Referral;

typedef struct
{
  guint32 person;
  guint32 day;
  guint32 followed;   /* the first contact on or after the day, 0: none */
} Discharge;

typedef struct
{
  guint32 person;
  guint32 day;
  gint64  raised;     /* µs */
  gint64  closed;     /* µs, 0: open */
  gboolean is_closed;
} Alert;

typedef struct
{
  guint32 person;     /* cared for */
  guint32 added;
  gboolean inactive;
  guint   first;      /* into Facts.carer_assessments */
  guint   n;
} Carer;

typedef struct
{
  guint32 person;
  guint32 day;
  guint   answers;    /* into Facts.experience_answers, one per statement */
} Experience;

typedef enum
{
  ANSWER_NONE,
  ANSWER_OTHER,
  ANSWER_TOP,
  ANSWER_NOT_APPLICABLE,
} AnswerClass;

typedef struct
{
  guint32  person;
  guint32  day;
  gboolean top;
} Decision;

typedef struct
{
  guint64    changes;
  gint64     data_version;

  /* People, by patient index row id */
  gsize      n;
  guint8    *indexed;
  guint8    *tier;          /* 0: not known, else KithFrailtyBand + 1 */
  guint32   *team;          /* into teams, or NOT_A_PERSON */
  guint32   *coordinator;   /* into coordinators, or NOT_A_PERSON */
  GPtrArray *teams;         /* casefolded */
  GPtrArray *coordinators;  /* casefolded */
  GPtrArray *team_names;    /* as first written, for the filters' choices */
  GPtrArray *coordinator_names; /* as first written, without " (role)" */
  guint32   *added;         /* the day the record came to Kith, 0: not known */
  guint32   *died;          /* 0: alive, or died without a date (undated) */
  guint8    *undated_death;
  guint8    *inactive;
  gint8     *died_in_place; /* -1 not recorded, 0 no, 1 yes */
  guint8    *place_recorded;

  GArray    *coverage;      /* Interval */
  GArray    *reviews;       /* Review */
  GArray    *referrals;     /* Referral */
  GArray    *discharges;    /* Discharge */
  GArray    *alerts;        /* Alert */
  GArray    *carers;        /* Carer */
  GArray    *carer_assessments; /* guint32 days, each carer's sorted */
  GArray    *experiences;   /* Experience */
  GArray    *experience_answers; /* guint8 AnswerClass */
  GArray    *decisions;     /* Decision */
} Facts;

static void
facts_free (Facts *facts)
{
  g_free (facts->indexed);
  g_free (facts->tier);
  g_free (facts->team);
  g_free (facts->coordinator);
  g_clear_pointer (&facts->teams, g_ptr_array_unref);
  g_clear_pointer (&facts->coordinators, g_ptr_array_unref);
  g_clear_pointer (&facts->team_names, g_ptr_array_unref);
  g_clear_pointer (&facts->coordinator_names, g_ptr_array_unref);
  g_free (facts->added);
  g_free (facts->died);
  g_free (facts->undated_death);
  g_free (facts->inactive);
  g_free (facts->died_in_place);
  g_free (facts->place_recorded);
  g_clear_pointer (&facts->coverage, g_array_unref);
  g_clear_pointer (&facts->reviews, g_array_unref);
  g_clear_pointer (&facts->referrals, g_array_unref);
  g_clear_pointer (&facts->discharges, g_array_unref);
  g_clear_pointer (&facts->alerts, g_array_unref);
  g_clear_pointer (&facts->carers, g_array_unref);
  g_clear_pointer (&facts->carer_assessments, g_array_unref);
  g_clear_pointer (&facts->experiences, g_array_unref);
  g_clear_pointer (&facts->experience_answers, g_array_unref);
  g_clear_pointer (&facts->decisions, g_array_unref);
  g_free (facts);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Facts, facts_free)

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* The row id of a person, or NOT_A_PERSON when the column is NULL. */
static guint32
column_person (Facts        *facts,
               sqlite3_stmt *stmt,
               int           column)
{
  gint64 pid;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NOT_A_PERSON;
  pid = sqlite3_column_int64 (stmt, column);
  return pid >= 0 && (gsize) pid < facts->n && facts->indexed[pid] ? (guint32) pid : NOT_A_PERSON;
}

static gboolean
finish_rows (KithStore     *store,
             sqlite3_stmt  *stmt,
             int            rc,
             GError       **error)
{
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return FALSE;
    }
  return TRUE;
}

static guint32
intern_name (GHashTable *names,
             GPtrArray  *list,
             GPtrArray  *display,
             const char *name,
             gboolean    strip_role)
{
  g_autofree char *folded = NULL;
  gpointer index;

  if (name == NULL || *name == '\0')
    return NOT_A_PERSON;
  folded = g_utf8_casefold (name, -1);
  if (!g_hash_table_lookup_extended (names, folded, NULL, &index))
    {
      const char *role = strip_role ? strstr (name, " (") : NULL;

      index = GUINT_TO_POINTER (list->len);
      g_ptr_array_add (list, g_strdup (folded));
      /* "Tunde Afolabi (Care co-ordinator)" is chosen as "Tunde Afolabi":
       * the filter matches the name with any role. */
      g_ptr_array_add (display, role && role > name ? g_strndup (name, role - name) : g_strdup (name));
      g_hash_table_insert (names, g_steal_pointer (&folded), index);
    }
  return GPOINTER_TO_UINT (index);
}

static guint8
tier_of (const char *tier)
{
  for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
    if (g_strcmp0 (tier, kith_frailty_band_id (band)) == 0)
      return (guint8) band + 1;
  return 0;
}

typedef enum
{
  PLAN_DRAFT,
  PLAN_AGREED,   /* agreed, or agreed and under review */
  PLAN_ENDED,
} PlanState;

typedef struct
{
  const char *updated;      /* in strings */
  const char *version;
  guint32     day;
  gint64      updated_us;
  gboolean    tombstone;
  PlanState   state;
  gboolean    qualifies;    /* for plan coverage */
  guint32     review;
  const char *agreement;    /* the agreement's time as written, or NULL */
  gint64      agreement_us;
  guint       first_decision; /* its shared decisions, in the plan's list */
  guint       n_decisions;
} PlanVersion;

static int
compare_versions (gconstpointer a,
                  gconstpointer b)
{
  const PlanVersion *x = a, *y = b;
  int c = strcmp (x->updated, y->updated);
  gsize lx = strlen (x->version), ly = strlen (y->version);

  /* As the store orders history: time, then version number. */
  if (c != 0)
    return c;
  if (lx != ly)
    return lx < ly ? -1 : 1;
  return strcmp (x->version, y->version);
}

static gboolean
load_people (KithStore    *store,
             Facts        *facts,
             Definitions  *defs,
             GError      **error)
{
  g_autoptr(GHashTable) teams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) coordinators = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  gint64 max_pid = 0;
  int rc;

  if (!(stmt = kith_store_prepare (store, "SELECT max(pid) FROM patient_index", error)))
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    max_pid = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  facts->n = (gsize) MAX (max_pid, 0) + 1;
  facts->indexed = g_new0 (guint8, facts->n);
  facts->tier = g_new0 (guint8, facts->n);
  facts->team = g_new (guint32, facts->n);
  memset (facts->team, 0xff, facts->n * sizeof (guint32));
  facts->coordinator = g_new (guint32, facts->n);
  memset (facts->coordinator, 0xff, facts->n * sizeof (guint32));
  facts->teams = g_ptr_array_new_with_free_func (g_free);
  facts->coordinators = g_ptr_array_new_with_free_func (g_free);
  facts->team_names = g_ptr_array_new_with_free_func (g_free);
  facts->coordinator_names = g_ptr_array_new_with_free_func (g_free);
  facts->added = g_new0 (guint32, facts->n);
  facts->died = g_new0 (guint32, facts->n);
  facts->undated_death = g_new0 (guint8, facts->n);
  facts->inactive = g_new0 (guint8, facts->n);
  facts->died_in_place = g_new (gint8, facts->n);
  memset (facts->died_in_place, 0xff, facts->n);
  facts->place_recorded = g_new0 (guint8, facts->n);

  stmt = kith_store_prepare (store, "SELECT pid, team, coordinator, risk_tier FROM patient_index", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 pid = sqlite3_column_int64 (stmt, 0);

      if (pid < 0 || (gsize) pid >= facts->n)
        continue;
      facts->indexed[pid] = 1;
      facts->team[pid] = intern_name (teams, facts->teams, facts->team_names, column_text (stmt, 1), FALSE);
      facts->coordinator[pid] = intern_name (coordinators, facts->coordinators, facts->coordinator_names,
                                             column_text (stmt, 2), TRUE);
      facts->tier[pid] = tier_of (column_text (stmt, 3));
    }
  if (!finish_rows (store, stmt, rc, error))
    return FALSE;

  /* When each person came to Kith (their record's first version), whether
   * the record is in use, and their death, from its newest version: every
   * version, in the order of the history, so that nothing is looked up
   * here and there in the resource table. (While a local edit waits to be
   * sent, a newer version pulled from the server is not yet the current
   * one; for these few fields the newest is as good.) */
  stmt = kith_store_prepare (store,
                             "SELECT p.pid, h.last_updated, h.version_id,"
                             "  json_extract (h.json, '$.active'),"
                             "  json_extract (h.json, '$.deceasedDateTime'),"
                             "  json_extract (h.json, '$.deceasedBoolean'),"
                             "  CASE WHEN json_extract (h.json, '$.deceasedDateTime') IS NOT NULL THEN"
                             "    (SELECT json_extract (e.value, '$.valueBoolean')"
                             "       FROM json_each (h.json, '$.extension') e"
                             "      WHERE json_extract (e.value, '$.url') = ?1) END"
                             " FROM resource_history h"
                             " JOIN patient_index p ON p.id = h.id"
                             " WHERE h.type = 'Patient'"
                             " ORDER BY h.id",
                             error);
  if (stmt == NULL)
    return FALSE;
  {
    const KithIndicatorSpec *met = spec_for (COMPUTE_PLACE_MET);
    g_autofree char *url = g_strconcat (KITH_FHIR_SD, met ? key_string (met, "extension") : "died-in-preferred-place",
                                        NULL);

    sqlite3_bind_text (stmt, 1, url, -1, SQLITE_TRANSIENT);
  }
  {
    guint32 person = NOT_A_PERSON;
    g_autofree char *newest_updated = NULL;
    g_autofree char *newest_version = NULL;

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        guint32 row_person = column_person (facts, stmt, 0);
        const char *updated = column_text (stmt, 1);
        const char *version_id = column_text (stmt, 2);
        PlanVersion a = { 0 }, b = { 0 };
        guint32 day = day_of (updated);

        if (row_person == NOT_A_PERSON || updated == NULL || version_id == NULL)
          continue;
        if (row_person != person)
          {
            person = row_person;
            g_clear_pointer (&newest_updated, g_free);
            g_clear_pointer (&newest_version, g_free);
          }
        if (day != 0 && (facts->added[person] == 0 || day < facts->added[person]))
          facts->added[person] = day;
        a.updated = updated;
        a.version = version_id;
        b.updated = newest_updated;
        b.version = newest_version;
        if (newest_updated != NULL && compare_versions (&a, &b) < 0)
          continue;   /* an older version */
        g_free (newest_updated);
        g_free (newest_version);
        newest_updated = g_strdup (updated);
        newest_version = g_strdup (version_id);
        facts->inactive[person] = sqlite3_column_type (stmt, 3) == SQLITE_INTEGER && sqlite3_column_int (stmt, 3) == 0;
        facts->died[person] = 0;
        facts->undated_death[person] = 0;
        facts->died_in_place[person] = -1;
        if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
          {
            facts->died[person] = day_of (column_text (stmt, 4));
            facts->undated_death[person] = facts->died[person] == 0;
          }
        else if (sqlite3_column_type (stmt, 5) == SQLITE_INTEGER && sqlite3_column_int (stmt, 5) != 0)
          facts->undated_death[person] = 1;
        if (sqlite3_column_type (stmt, 6) == SQLITE_INTEGER)
          facts->died_in_place[person] = sqlite3_column_int (stmt, 6) != 0;
      }
  }
  return finish_rows (store, stmt, rc, error);
}

/* --- plans: coverage, reviews, decisions ----------------------------------- */

static void
add_review (Facts   *facts,
            guint32  person,
            guint32  day,
            gboolean done)
{
  Review review = { person, day, done };

  g_array_append_val (facts->reviews, review);
}

/* "decided=…␟collaborate-1=4…" from the plan query */
static void
add_decision (Facts       *facts,
              guint32      person,
              const char  *parts,
              int          top_answer)
{
  g_auto(GStrv) fields = g_strsplit (parts, "\x1f", -1);
  int answers[3] = { -1, -1, -1 };
  guint32 day = 0;

  for (guint i = 0; fields[i]; i++)
    {
      const char *value = strchr (fields[i], '=');
      guint64 n;

      if (value == NULL)
        continue;
      value++;
      if (g_str_has_prefix (fields[i], "decided="))
        day = day_of (value);
      else if (g_str_has_prefix (fields[i], "collaborate-") && fields[i][12] >= '1' && fields[i][12] <= '3' &&
               fields[i][13] == '=' && g_ascii_string_to_unsigned (value, 10, 0, 4, &n, NULL))
        answers[fields[i][12] - '1'] = (int) n;
    }
  if (day == 0 || answers[0] < 0 || answers[1] < 0 || answers[2] < 0)
    return;   /* not agreed, or collaboRATE not (fully) asked */
  {
    Decision decision = { person, day,
                          answers[0] == top_answer && answers[1] == top_answer && answers[2] == top_answer };

    g_array_append_val (facts->decisions, decision);
  }
}

/* One plan's versions, oldest first: the days it qualified for plan
 * coverage, and its review dates (see the definition of reviews-on-time). */
static void
walk_plan (Facts     *facts,
           guint32    person,
           GArray    *versions,
           GPtrArray *decisions,
           int        top_answer)
{
  guint32 due = 0, done_date = 0;
  gint64 due_set = 0;
  const char *last_agreement = NULL;
  guint32 open_from = 0;
  gboolean open = FALSE;

  g_array_sort (versions, compare_versions);

  /* Shared decisions as the plan holds them now (its newest version). */
  {
    const PlanVersion *newest = &g_array_index (versions, PlanVersion, versions->len - 1);

    for (guint i = 0; !newest->tombstone && i < newest->n_decisions; i++)
      add_decision (facts, person, decisions->pdata[newest->first_decision + i], top_answer);
  }

  /* Coverage: the plan as it stood at the end of each day. */
  for (guint i = 0; i < versions->len; i++)
    {
      PlanVersion *v = &g_array_index (versions, PlanVersion, i);

      if (v->day == 0 || (i + 1 < versions->len && g_array_index (versions, PlanVersion, i + 1).day == v->day))
        continue;   /* a later version of the same day decides that day */
      if (v->qualifies && !open)
        {
          open = TRUE;
          open_from = v->day;
        }
      else if (!v->qualifies && open)
        {
          Interval interval = { person, open_from, v->day };

          g_array_append_val (facts->coverage, interval);
          open = FALSE;
        }
    }
  if (open)
    {
      Interval interval = { person, open_from, OPEN_END };

      g_array_append_val (facts->coverage, interval);
    }

  /* Reviews */
  for (guint i = 0; i < versions->len; i++)
    {
      PlanVersion *v = &g_array_index (versions, PlanVersion, i);
      gboolean new_agreement = v->agreement != NULL && g_strcmp0 (v->agreement, last_agreement) != 0;

      if (v->tombstone || v->state != PLAN_AGREED)
        {
          /* Ended, deleted or back to a draft: a review date that had
           * already passed was missed; one still to come no longer counts. */
          if (due && due < v->day)
            add_review (facts, person, due, FALSE);
          due = 0;
          done_date = 0;
          if (new_agreement)
            last_agreement = v->agreement;
          continue;
        }
      /* Agreed again after the review date was set: the review is done,
       * on time when on or before the date. */
      if (new_agreement && due && v->agreement_us > due_set)
        {
          guint32 agreed_on = day_of (v->agreement);

          add_review (facts, person, due, agreed_on != 0 && agreed_on <= due);
          done_date = due;
          due = 0;
        }
      if (new_agreement)
        last_agreement = v->agreement;
      if (v->review != due)
        {
          if (v->review != 0 && v->review == done_date)
            continue;   /* agreed again keeping the same date: that review is done */
          /* Changed without agreeing the plan again: missed if the day had
           * passed, else replaced by the new date. */
          if (due && due < v->day)
            add_review (facts, person, due, FALSE);
          due = v->review;
          due_set = v->updated_us;
          done_date = 0;
        }
    }
  if (due)
    add_review (facts, person, due, FALSE);
}

static gboolean
load_plans (KithStore    *store,
            Facts        *facts,
            Definitions  *defs,
            GError      **error)
{
  const KithIndicatorSpec *coverage = spec_for (COMPUTE_PLAN_COVERAGE);
  const KithIndicatorSpec *reviews = spec_for (COMPUTE_REVIEWS);
  const KithIndicatorSpec *collaborate = spec_for (COMPUTE_COLLABORATE);
  g_autofree char *state_url = g_strconcat (KITH_FHIR_SD, "plan-state", NULL);
  g_autofree char *review_url = g_strconcat (KITH_FHIR_SD, reviews ? key_string (reviews, "review_extension")
                                                                   : "review-date", NULL);
  g_autofree char *agreement_url = g_strconcat (KITH_FHIR_SD, reviews ? key_string (reviews, "agreement_extension")
                                                                      : "agreement", NULL);
  g_autofree char *decision_url = g_strconcat (KITH_FHIR_SD, collaborate ? key_string (collaborate, "decision_extension")
                                                                         : "shared-decision", NULL);
  g_autofree char *role_pattern = g_strdup_printf ("\"code\":\"%s\"", coverage ? key_string (coverage, "coordinator_role")
                                                                                : "coordinator");
  g_autoptr(GStringChunk) strings = g_string_chunk_new (64 * 1024);
  g_autoptr(GArray) versions = g_array_new (FALSE, TRUE, sizeof (PlanVersion));
  g_autoptr(GPtrArray) decisions = g_ptr_array_new ();
  g_autoptr(GPtrArray) crisis_urls = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *plan = NULL;
  g_autofree char *version = NULL;
  g_autofree char *state_code = NULL;
  JsonArray *crisis = coverage ? key_array (coverage, "crisis_extensions") : NULL;
  int top_answer = collaborate ? key_int (collaborate, "top_answer") : 4;
  guint32 person = NOT_A_PERSON;
  PlanVersion *current = NULL;
  gboolean has_coordinator = FALSE, has_crisis = FALSE;
  const char *status = NULL;
  sqlite3_stmt *stmt;
  int rc;

  for (guint i = 0; crisis && i < json_array_get_length (crisis); i++)
    g_ptr_array_add (crisis_urls, g_strconcat (KITH_FHIR_SD, json_array_get_string_element (crisis, i), NULL));
  while (crisis_urls->len < 2)
    g_ptr_array_add (crisis_urls, g_strdup ("-"));

  /* Every version of every plan, in the order of the history, with one
   * row per extension (or one row with none). What belongs to the version
   * is read on its first row only: sqlite would work it out again for
   * every row.
   *
   * The contained care team's co-ordinator is found by its role's code:
   * the JSON in the store is always json-glib's compact form, in which
   * those characters in any text (a note, a goal) are escaped and cannot
   * match. */
  stmt = kith_store_prepare (store,
                             "SELECT h.id, h.version_id, h.last_updated,"
                             "  CASE WHEN coalesce (e.key, 0) = 0 THEN h.json IS NULL END, p.pid,"
                             "  CASE WHEN coalesce (e.key, 0) = 0 THEN json_extract (h.json, '$.status') END,"
                             "  CASE WHEN coalesce (e.key, 0) = 0 THEN instr (h.json, ?7) > 0 END,"
                             "  json_extract (e.value, '$.url'),"
                             "  json_extract (e.value, '$.valueCode'),"
                             "  json_extract (e.value, '$.valueDate'),"
                             "  json_extract (e.value, '$.valueString'),"
                             "  CASE json_extract (e.value, '$.url')"
                             "    WHEN ?3 THEN (SELECT json_extract (x.value, '$.valueDateTime')"
                             "                    FROM json_each (e.value, '$.extension') x"
                             "                   WHERE json_extract (x.value, '$.url') = 'when')"
                             "    WHEN ?6 THEN (SELECT group_concat (json_extract (x.value, '$.url') || '=' ||"
                             "                    coalesce (json_extract (x.value, '$.valueDateTime'),"
                             "                              json_extract (x.value, '$.valueString'), ''), char (31))"
                             "                    FROM json_each (e.value, '$.extension') x"
                             "                   WHERE json_extract (x.value, '$.url') IN"
                             "                         ('decided', 'collaborate-1', 'collaborate-2', 'collaborate-3'))"
                             "  END"
                             " FROM resource_history h"
                             " LEFT JOIN patient_index p"
                             "   ON p.id = substr (json_extract (h.json, '$.subject.reference'), 9)"
                             "  AND json_extract (h.json, '$.subject.reference') LIKE 'Patient/%'"
                             " LEFT JOIN json_each (h.json, '$.extension') e"
                             " WHERE h.type = 'CarePlan'"
                             " ORDER BY h.id",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 3, agreement_url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, decision_url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, role_pattern, -1, SQLITE_STATIC);

  /* What a version's rows said, once they are all read: its state as
   * kith_care_plan_get_state() reads it, and whether it qualifies for plan
   * coverage. */
#define FINISH_VERSION() G_STMT_START { \
    if (current != NULL) \
      { \
        if (state_code && coverage && key_array_contains (coverage, "agreed_states", state_code)) \
          current->state = PLAN_AGREED; \
        else if (g_strcmp0 (state_code, "ended") == 0) \
          current->state = PLAN_ENDED; \
        else if (state_code) \
          current->state = PLAN_DRAFT; \
        else if (coverage && key_array_contains (coverage, "agreed_fhir_status", status)) \
          current->state = PLAN_AGREED; \
        else if (g_strcmp0 (status, "completed") == 0 || g_strcmp0 (status, "revoked") == 0 || \
                 g_strcmp0 (status, "entered-in-error") == 0) \
          current->state = PLAN_ENDED; \
        else \
          current->state = PLAN_DRAFT; \
        current->qualifies = !current->tombstone && current->state == PLAN_AGREED && has_coordinator && has_crisis; \
      } \
    current = NULL; \
    g_clear_pointer (&state_code, g_free); \
  } G_STMT_END

#define FINISH_PLAN() G_STMT_START { \
    FINISH_VERSION (); \
    if (person != NOT_A_PERSON && versions->len > 0) \
      walk_plan (facts, person, versions, decisions, top_answer); \
    g_array_set_size (versions, 0); \
    g_ptr_array_set_size (decisions, 0); \
    g_string_chunk_clear (strings); \
    person = NOT_A_PERSON; \
  } G_STMT_END

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = column_text (stmt, 0);
      const char *version_id = column_text (stmt, 1);
      const char *url = column_text (stmt, 7);

      if (g_strcmp0 (id, plan) != 0)
        {
          FINISH_PLAN ();
          g_free (plan);
          plan = g_strdup (id);
          g_clear_pointer (&version, g_free);
        }
      if (g_strcmp0 (version_id, version) != 0)
        {
          PlanVersion v = { 0 };

          FINISH_VERSION ();
          g_free (version);
          version = g_strdup (version_id);
          v.updated = g_string_chunk_insert (strings, column_text (stmt, 2) ? column_text (stmt, 2) : "");
          v.version = g_string_chunk_insert (strings, version_id ? version_id : "");
          v.day = day_of (v.updated);
          v.updated_us = instant_of (v.updated);
          v.tombstone = sqlite3_column_int (stmt, 3) != 0;
          v.first_decision = decisions->len;
          g_array_append_val (versions, v);
          current = &g_array_index (versions, PlanVersion, versions->len - 1);
          /* A deletion has no subject: the person is the other versions'. */
          if (person == NOT_A_PERSON)
            person = column_person (facts, stmt, 4);
          status = column_text (stmt, 5) ? g_string_chunk_insert (strings, column_text (stmt, 5)) : NULL;
          has_coordinator = sqlite3_column_int (stmt, 6) != 0;
          has_crisis = FALSE;
        }
      if (url == NULL)
        continue;
      if (g_str_equal (url, state_url) && column_text (stmt, 8))
        {
          g_free (state_code);
          state_code = g_strdup (column_text (stmt, 8));
        }
      else if (g_str_equal (url, review_url))
        current->review = day_of (column_text (stmt, 9));
      else if (g_str_equal (url, agreement_url) && column_text (stmt, 11))
        {
          current->agreement = g_string_chunk_insert (strings, column_text (stmt, 11));
          current->agreement_us = instant_of (current->agreement);
        }
      else if (g_str_equal (url, crisis_urls->pdata[0]) || g_str_equal (url, crisis_urls->pdata[1]))
        {
          /* What to do must say something; a contact counts as it is. */
          const char *text = column_text (stmt, 10);

          if (g_str_has_suffix (url, "/crisis-contact") || (text && *text))
            has_crisis = TRUE;
        }
      else if (g_str_equal (url, decision_url) && column_text (stmt, 11))
        {
          g_ptr_array_add (decisions, g_string_chunk_insert (strings, column_text (stmt, 11)));
          current->n_decisions++;
        }
    }
  FINISH_PLAN ();
#undef FINISH_PLAN
#undef FINISH_VERSION
  return finish_rows (store, stmt, rc, error);
}

/* --- referrals, discharges, alerts ------------------------------------------ */

static gboolean
load_referrals (KithStore    *store,
                Facts        *facts,
                Definitions  *defs,
                GError      **error)
{
  const KithIndicatorSpec *triage = spec_for (COMPUTE_TRIAGE);
  const KithIndicatorSpec *contact = spec_for (COMPUTE_FIRST_CONTACT);
  const KithIndicatorSpec *any = triage ? triage : contact;
  g_autofree char *triaged_url = g_strconcat (KITH_FHIR_SD, triage ? key_string (triage, "end_extension") : "triaged", NULL);
  g_autofree char *contact_url = g_strconcat (KITH_FHIR_SD, contact ? key_string (contact, "end_extension") : "first-contact", NULL);
  const char *declined = contact ? key_string (contact, "declined_status") : "rejected";
  sqlite3_stmt *stmt;
  int rc;

  if (any == NULL)
    return TRUE;
  stmt = kith_store_prepare (store,
                             "SELECT p.pid, r.status, json_extract (h.json, '$.authoredOn'),"
                             "  (SELECT json_extract (e.value, '$.valueDateTime') FROM json_each (h.json, '$.extension') e"
                             "    WHERE json_extract (e.value, '$.url') = ?2),"
                             "  (SELECT json_extract (e.value, '$.valueDateTime') FROM json_each (h.json, '$.extension') e"
                             "    WHERE json_extract (e.value, '$.url') = ?3)"
                             " FROM resource r"
                             " JOIN resource_history h ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " JOIN patient_index p ON p.id = r.patient_id"
                             " WHERE r.type = 'Task' AND r.code = ?1 AND r.deleted = 0"
                             "   AND r.status NOT IN ('cancelled', 'entered-in-error')",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key_string (any, "task_code"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, triaged_url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, contact_url, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Referral referral = { column_person (facts, stmt, 0) };

      referral.received = day_of (column_text (stmt, 2));
      if (referral.person == NOT_A_PERSON || referral.received == 0)
        continue;
      referral.declined = g_strcmp0 (column_text (stmt, 1), declined) == 0;
      referral.triaged = day_of (column_text (stmt, 3));
      referral.contacted = day_of (column_text (stmt, 4));
      g_array_append_val (facts->referrals, referral);
    }
  return finish_rows (store, stmt, rc, error);
}

static int
compare_day_pairs (gconstpointer a,
                   gconstpointer b)
{
  const guint32 *x = a, *y = b;

  if (x[0] != y[0])
    return x[0] < y[0] ? -1 : 1;
  return x[1] < y[1] ? -1 : x[1] > y[1];
}

static gboolean
load_discharges (KithStore    *store,
                 Facts        *facts,
                 Definitions  *defs,
                 GError      **error)
{
  const KithIndicatorSpec *spec = spec_for (COMPUTE_DISCHARGE);
  g_autoptr(GArray) contacts = g_array_new (FALSE, FALSE, 2 * sizeof (guint32));  /* person, day */
  JsonArray *codes;
  sqlite3_stmt *stmt;
  int rc;

  if (spec == NULL)
    return TRUE;
  codes = key_array (spec, "contact_codes");
  stmt = kith_store_prepare (store,
                             "SELECT p.pid, json_extract (h.json, '$.period.end')"
                             " FROM resource r"
                             " JOIN resource_history h ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " JOIN patient_index p ON p.id = r.patient_id"
                             " WHERE r.type = 'Encounter' AND r.code = ?1 AND r.status = 'finished' AND r.deleted = 0",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key_string (spec, "stay_code"), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Discharge discharge = { column_person (facts, stmt, 0), day_of (column_text (stmt, 1)), 0 };

      if (discharge.person != NOT_A_PERSON && discharge.day != 0)
        g_array_append_val (facts->discharges, discharge);
    }
  if (!finish_rows (store, stmt, rc, error))
    return FALSE;
  if (facts->discharges->len == 0)
    return TRUE;

  /* The contacts of those people only. */
  stmt = kith_store_prepare (store,
                             "SELECT p.pid, json_extract (h.json, '$.period.start')"
                             " FROM (SELECT DISTINCT patient_id FROM resource"
                             "        WHERE type = 'Encounter' AND code = ?1 AND deleted = 0) s"
                             " CROSS JOIN resource r"
                             " JOIN resource_history h ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " JOIN patient_index p ON p.id = r.patient_id"
                             " WHERE r.patient_id = s.patient_id AND r.type = 'Encounter'"
                             "   AND +r.code IN (SELECT value FROM json_each (?2))"
                             "   AND +r.status = 'finished' AND r.deleted = 0",
                             error);
  if (stmt == NULL)
    return FALSE;
  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
    g_autofree char *list = NULL;

    json_node_set_array (node, codes);
    list = json_to_string (node, FALSE);
    sqlite3_bind_text (stmt, 1, key_string (spec, "stay_code"), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 2, list, -1, SQLITE_TRANSIENT);
  }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint32 pair[2] = { column_person (facts, stmt, 0), day_of (column_text (stmt, 1)) };

      if (pair[0] != NOT_A_PERSON && pair[1] != 0)
        g_array_append_val (contacts, pair);
    }
  if (!finish_rows (store, stmt, rc, error))
    return FALSE;
  g_array_sort (contacts, compare_day_pairs);

  /* Each discharge's first contact on or after its day. */
  for (guint i = 0; i < facts->discharges->len; i++)
    {
      Discharge *discharge = &g_array_index (facts->discharges, Discharge, i);
      guint lo = 0, hi = contacts->len;
      guint32 key[2] = { discharge->person, discharge->day };

      while (lo < hi)
        {
          guint mid = (lo + hi) / 2;

          if (compare_day_pairs (&g_array_index (contacts, guint32, 2 * mid), key) < 0)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (lo < contacts->len && g_array_index (contacts, guint32, 2 * lo) == discharge->person)
        discharge->followed = g_array_index (contacts, guint32, 2 * lo + 1);
    }
  return TRUE;
}

static gboolean
load_alerts (KithStore    *store,
             Facts        *facts,
             Definitions  *defs,
             GError      **error)
{
  const KithIndicatorSpec *spec = spec_for (COMPUTE_ALERTS);
  sqlite3_stmt *stmt;
  int rc;

  if (spec == NULL)
    return TRUE;
  stmt = kith_store_prepare (store,
                             "SELECT p.pid, r.status, json_extract (h.json, '$.period.start'),"
                             "  json_extract (h.json, '$.period.end')"
                             " FROM resource r"
                             " JOIN resource_history h ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " JOIN patient_index p ON p.id = r.patient_id"
                             " WHERE r.type = 'Flag' AND r.code = ?1 AND r.deleted = 0"
                             "   AND r.status != 'entered-in-error'",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key_string (spec, "flag_category"), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Alert alert = { column_person (facts, stmt, 0) };

      alert.day = day_of (column_text (stmt, 2));
      alert.raised = instant_of (column_text (stmt, 2));
      if (alert.person == NOT_A_PERSON || alert.day == 0 || alert.raised == 0)
        continue;
      alert.is_closed = g_strcmp0 (column_text (stmt, 1), "active") != 0;
      alert.closed = alert.is_closed ? instant_of (column_text (stmt, 3)) : 0;
      g_array_append_val (facts->alerts, alert);
    }
  return finish_rows (store, stmt, rc, error);
}

/* --- carers ---------------------------------------------------------------- */


static gboolean
load_carers (KithStore    *store,
             Facts        *facts,
             Definitions  *defs,
             GError      **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) assessments = g_array_new (FALSE, FALSE, 2 * sizeof (guint32));  /* carer, day */
  sqlite3_stmt *stmt;
  int rc;

  if (spec_for (COMPUTE_CARERS) == NULL)
    return TRUE;
  /* Every version of every carer, in the order of the history (as for
   * people): when they came to Kith, and their newest version. */
  stmt = kith_store_prepare (store,
                             "SELECT h.id, h.version_id, h.last_updated, h.json IS NULL,"
                             "  json_extract (h.json, '$.active'), p.pid"
                             " FROM resource_history h"
                             " LEFT JOIN patient_index p"
                             "   ON p.id = substr (json_extract (h.json, '$.patient.reference'), 9)"
                             "  AND json_extract (h.json, '$.patient.reference') LIKE 'Patient/%'"
                             " WHERE h.type = 'RelatedPerson'"
                             " ORDER BY h.id",
                             error);
  if (stmt == NULL)
    return FALSE;
  {
    g_autofree char *carer_id = NULL;
    g_autofree char *newest_updated = NULL;
    g_autofree char *newest_version = NULL;
    Carer carer = { NOT_A_PERSON };
    gboolean gone = TRUE;

#define FINISH_CARER() G_STMT_START {       if (carer_id && !gone && carer.person != NOT_A_PERSON)         {           g_hash_table_insert (by_id, g_strdup (carer_id), GUINT_TO_POINTER (facts->carers->len));           g_array_append_val (facts->carers, carer);         }     } G_STMT_END

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        const char *id = column_text (stmt, 0);
        PlanVersion a = { 0 }, b = { 0 };
        guint32 day = day_of (column_text (stmt, 2));

        if (id == NULL || column_text (stmt, 1) == NULL || column_text (stmt, 2) == NULL)
          continue;
        if (g_strcmp0 (id, carer_id) != 0)
          {
            FINISH_CARER ();
            g_free (carer_id);
            carer_id = g_strdup (id);
            g_clear_pointer (&newest_updated, g_free);
            g_clear_pointer (&newest_version, g_free);
            memset (&carer, 0, sizeof carer);
            carer.person = NOT_A_PERSON;
          }
        if (day != 0 && (carer.added == 0 || day < carer.added))
          carer.added = day;
        a.updated = column_text (stmt, 2);
        a.version = column_text (stmt, 1);
        b.updated = newest_updated;
        b.version = newest_version;
        if (newest_updated != NULL && compare_versions (&a, &b) < 0)
          continue;   /* an older version */
        g_free (newest_updated);
        g_free (newest_version);
        newest_updated = g_strdup (a.updated);
        newest_version = g_strdup (a.version);
        gone = sqlite3_column_int (stmt, 3) != 0;
        carer.inactive = sqlite3_column_type (stmt, 4) == SQLITE_INTEGER && sqlite3_column_int (stmt, 4) == 0;
        if (!gone)
          carer.person = column_person (facts, stmt, 5);
      }
    FINISH_CARER ();
#undef FINISH_CARER
  }
  if (!finish_rows (store, stmt, rc, error))
    return FALSE;

  /* The carers' own assessments: completed assessments whose subject is
   * the carer, filed with the person cared for; only those people's
   * assessments are read. */
  if (facts->carers->len == 0)
    return TRUE;
  {
    g_autoptr(GString) people = g_string_new ("[");
    g_autofree guint8 *seen = g_new0 (guint8, facts->n);

    for (guint i = 0; i < facts->carers->len; i++)
      seen[g_array_index (facts->carers, Carer, i).person] = 1;
    for (gsize pid = 0; pid < facts->n; pid++)
      if (seen[pid])
        g_string_append_printf (people, "%s%" G_GSIZE_FORMAT, people->len > 1 ? "," : "", pid);
    g_string_append_c (people, ']');

    stmt = kith_store_prepare (store,
                               "SELECT json_extract (h.json, '$.subject.reference'), json_extract (h.json, '$.authored')"
                               " FROM patient_index p"
                               " CROSS JOIN resource r"
                               " JOIN resource_history h ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                               " WHERE p.pid IN (SELECT value FROM json_each (?2))"
                               "   AND r.patient_id = p.id AND r.type = 'QuestionnaireResponse' AND r.code = ?1"
                               "   AND +r.status = 'completed' AND r.deleted = 0",
                               error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, KITH_HOLISTIC_ASSESSMENT_URL, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, people->str, (int) people->len, SQLITE_TRANSIENT);
  }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *carer_id = kith_fhir_reference_id (column_text (stmt, 0), "RelatedPerson");
      gpointer index;
      guint32 pair[2];

      if (carer_id == NULL || !g_hash_table_lookup_extended (by_id, carer_id, NULL, &index))
        continue;
      pair[0] = GPOINTER_TO_UINT (index);
      pair[1] = day_of (column_text (stmt, 1));
      if (pair[1] != 0)
        g_array_append_val (assessments, pair);
    }
  if (!finish_rows (store, stmt, rc, error))
    return FALSE;

  g_array_sort (assessments, compare_day_pairs);
  for (guint i = 0; i < assessments->len; i++)
    {
      Carer *carer = &g_array_index (facts->carers, Carer, g_array_index (assessments, guint32, 2 * i));

      if (carer->n == 0)
        carer->first = facts->carer_assessments->len;
      carer->n++;
      g_array_append_val (facts->carer_assessments, g_array_index (assessments, guint32, 2 * i + 1));
    }
  return TRUE;
}

/* --- the preferred place of death ----------------------------------------- */

static gboolean
item_has_text (JsonArray  *items,
               const char *link_id)
{
  for (guint i = 0; items && i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonArray *answers = kith_fhir_get_array (item, "answer");

      if (item == NULL)
        continue;
      if (g_strcmp0 (kith_fhir_get_string (item, "linkId"), link_id) == 0)
        for (guint a = 0; answers && a < json_array_get_length (answers); a++)
          {
            JsonNode *answer = json_array_get_element (answers, a);
            const char *text = JSON_NODE_HOLDS_OBJECT (answer)
                               ? kith_fhir_get_string (json_node_get_object (answer), "valueString") : NULL;
            g_autofree char *stripped = text ? g_strstrip (g_strdup (text)) : NULL;

            if (stripped && *stripped)
              return TRUE;
          }
      if (item_has_text (kith_fhir_get_array (item, "item"), link_id))
        return TRUE;
    }
  return FALSE;
}

/* For each person who died on a known day: was their preferred place
 * recorded on or before it? Deaths are few, so their answers are read
 * one person at a time. */
static gboolean
load_preferred_places (KithStore    *store,
                       Facts        *facts,
                       Definitions  *defs,
                       GError      **error)
{
  const KithIndicatorSpec *spec = spec_for (COMPUTE_PLACE_RECORDED);
  g_autofree char *url = NULL;
  g_autofree char *versioned = NULL;
  g_autofree char *after = NULL;
  sqlite3_stmt *stmt;

  if (spec == NULL)
    spec = spec_for (COMPUTE_PLACE_MET);
  if (spec == NULL)
    return TRUE;
  url = g_strconcat (QUESTIONNAIRE_BASE, key_string (spec, "instrument"), NULL);
  versioned = g_strconcat (url, "|", NULL);
  after = g_strconcat (url, "}", NULL);   /* '}' sorts right after '|' */

  for (gsize pid = 0; pid < facts->n; pid++)
    {
      int rc = SQLITE_DONE;

      if (!facts->indexed[pid] || facts->died[pid] == 0)
        continue;
      stmt = kith_store_prepare (store,
                                 "SELECT json_extract (h.json, '$.authored'), h.json"
                                 " FROM patient_index p"
                                 " JOIN resource r ON r.patient_id = p.id AND r.type = 'QuestionnaireResponse'"
                                 " JOIN resource_history h ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                                 " WHERE p.pid = ?1 AND r.deleted = 0 AND r.status != 'entered-in-error'"
                                 "   AND (r.code = ?2 OR (r.code >= ?3 AND r.code < ?4))",
                                 error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, (gint64) pid);
      sqlite3_bind_text (stmt, 2, url, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, versioned, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, after, -1, SQLITE_STATIC);
      while (!facts->place_recorded[pid] && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          guint32 day = day_of (column_text (stmt, 0));
          g_autoptr(JsonObject) response = NULL;

          if (day == 0 || day > facts->died[pid])
            continue;
          response = kith_fhir_parse_resource (column_text (stmt, 1), sqlite3_column_bytes (stmt, 1), NULL);
          if (response && item_has_text (kith_fhir_get_array (response, "item"), key_string (spec, "item")))
            facts->place_recorded[pid] = 1;
        }
      if (facts->place_recorded[pid])
        sqlite3_reset (stmt);
      else if (!finish_rows (store, stmt, rc, error))
        return FALSE;
    }
  return TRUE;
}

/* --- experience ----------------------------------------------------------- */

static gboolean
load_experience (KithStore    *store,
                 Facts        *facts,
                 Definitions  *defs,
                 GError      **error)
{
  g_autofree char *url = NULL;
  g_autofree char *after = NULL;
  g_autofree char *response = NULL;
  const KithIndicatorSpec *first;
  guint n_items = defs->experience->len;
  Experience *current = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (n_items == 0)
    return TRUE;
  first = defs->experience->pdata[0];
  url = g_strconcat (QUESTIONNAIRE_BASE, key_string (first, "instrument"), NULL);
  after = g_strconcat (url, "}", NULL);

  /* The experience questionnaire's items are not nested in groups. */
  stmt = kith_store_prepare (store,
                             "SELECT r.id, p.pid, json_extract (h.json, '$.authored'),"
                             "  json_extract (i.value, '$.linkId'),"
                             "  json_extract (i.value, '$.answer[0].valueCoding.code')"
                             " FROM resource r"
                             " JOIN resource_history h ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " JOIN patient_index p ON p.id = r.patient_id"
                             " LEFT JOIN json_each (h.json, '$.item') i"
                             " WHERE r.type = 'QuestionnaireResponse' AND r.code >= ?1 AND r.code < ?3"
                             "   AND (r.code = ?1 OR substr (r.code, ?4, 1) = '|')"
                             "   AND r.deleted = 0 AND r.status IN ('completed', 'amended')"
                             " ORDER BY +r.id",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, after, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, (int) strlen (url) + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *link_id = column_text (stmt, 3);
      const char *code = column_text (stmt, 4);

      if (g_strcmp0 (column_text (stmt, 0), response) != 0)
        {
          Experience experience = { column_person (facts, stmt, 1), day_of (column_text (stmt, 2)) };
          guint8 none = ANSWER_NONE;

          g_free (response);
          response = g_strdup (column_text (stmt, 0));
          current = NULL;
          if (experience.person == NOT_A_PERSON || experience.day == 0)
            continue;
          experience.answers = facts->experience_answers->len;
          for (guint s = 0; s < n_items; s++)
            g_array_append_val (facts->experience_answers, none);
          g_array_append_val (facts->experiences, experience);
          current = &g_array_index (facts->experiences, Experience, facts->experiences->len - 1);
        }
      if (current == NULL || link_id == NULL || code == NULL)
        continue;
      for (guint s = 0; s < n_items; s++)
        {
          const KithIndicatorSpec *spec = defs->experience->pdata[s];
          guint8 *answer = &g_array_index (facts->experience_answers, guint8, current->answers + s);

          if (!g_str_equal (link_id, key_string (spec, "item")))
            continue;
          if (g_str_equal (code, key_string (spec, "top_box")))
            *answer = ANSWER_TOP;
          else if (g_strcmp0 (code, key_string (spec, "not_applicable")) == 0)
            *answer = ANSWER_NOT_APPLICABLE;
          else
            *answer = ANSWER_OTHER;
        }
    }
  return finish_rows (store, stmt, rc, error);
}

/* --- the cache --------------------------------------------------------------- */

static gboolean
read_stamp (KithStore  *store,
            guint64    *changes,
            gint64     *data_version,
            GError    **error)
{
  guint64 serial;

  if (!kith_store_get_index_stamp (store, &serial, data_version, error))
    return FALSE;
  *changes = (guint64) sqlite3_total_changes64 (kith_store_get_db (store));
  return TRUE;
}

typedef gboolean (*Loader) (KithStore    *store,
                           Facts        *facts,
                           Definitions  *defs,
                           GError      **error);

static const struct { const char *what; Loader load; } loaders[] = {
  { "people", load_people },
  { "plans", load_plans },
  { "referrals", load_referrals },
  { "discharges", load_discharges },
  { "safety alerts", load_alerts },
  { "carers", load_carers },
  { "preferred places of death", load_preferred_places },
  { "experience questionnaires", load_experience },
};

static Facts *
load_facts (KithStore    *store,
            Definitions  *defs,
            GError      **error)
{
  g_autoptr(Facts) facts = g_new0 (Facts, 1);
  gboolean own_transaction, ok;
  sqlite3 *db;
  int rc;

  facts->coverage = g_array_new (FALSE, FALSE, sizeof (Interval));
  facts->reviews = g_array_new (FALSE, FALSE, sizeof (Review));
  facts->referrals = g_array_new (FALSE, FALSE, sizeof (Referral));
  facts->discharges = g_array_new (FALSE, FALSE, sizeof (Discharge));
  facts->alerts = g_array_new (FALSE, FALSE, sizeof (Alert));
  facts->carers = g_array_new (FALSE, FALSE, sizeof (Carer));
  facts->carer_assessments = g_array_new (FALSE, FALSE, sizeof (guint32));
  facts->experiences = g_array_new (FALSE, FALSE, sizeof (Experience));
  facts->experience_answers = g_array_new (FALSE, FALSE, sizeof (guint8));
  facts->decisions = g_array_new (FALSE, FALSE, sizeof (Decision));

  /* One read transaction, so that every query sees the same store (a
   * deferred BEGIN: reading takes no lock from writers in WAL mode). */
  db = kith_store_get_db (store);
  own_transaction = sqlite3_get_autocommit (db) != 0;
  if (own_transaction && (rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK)
    {
      kith_store_set_error (store, rc, error);
      return NULL;
    }
  ok = read_stamp (store, &facts->changes, &facts->data_version, error);
  for (guint i = 0; ok && i < G_N_ELEMENTS (loaders); i++)
    {
      gint64 started = g_get_monotonic_time ();

      ok = loaders[i].load (store, facts, defs, error);
      g_debug ("Outcomes: read %s in %.1f ms", loaders[i].what, (g_get_monotonic_time () - started) / 1000.0);
    }
  if (own_transaction)
    sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);   /* nothing was written */
  if (!ok)
    return NULL;
  return g_steal_pointer (&facts);
}

static Facts *
get_facts (KithStore    *store,
           Definitions  *defs,
           GError      **error)
{
  Facts *facts = g_object_get_data (G_OBJECT (store), FACTS_KEY);
  guint64 changes;
  gint64 data_version;

  if (!read_stamp (store, &changes, &data_version, error))
    return NULL;
  if (facts && facts->changes == changes && facts->data_version == data_version)
    return facts;
  if (!(facts = load_facts (store, defs, error)))
    return NULL;
  g_object_set_data_full (G_OBJECT (store), FACTS_KEY, facts, (GDestroyNotify) facts_free);
  return facts;
}

void
kith_outcomes_forget (KithStore *store)
{
  g_return_if_fail (KITH_IS_STORE (store));
  g_object_set_data (G_OBJECT (store), FACTS_KEY, NULL);
}

/* --- computing --------------------------------------------------------------- */

typedef struct
{
  Facts    *facts;
  guint8   *chosen;       /* per person: on the index and passing the filter */
  guint32   from;
  guint32   to;
  guint32   today;
  gint64    now;          /* µs */
  guint     n_months;
  guint32  *month_first;
  guint32  *month_last;
} Context;

static void
context_clear (Context *context)
{
  g_free (context->chosen);
  g_free (context->month_first);
  g_free (context->month_last);
}

static gboolean
set_up_context (Context                 *context,
                Facts                   *facts,
                const KithOutcomeFilter *filter,
                const GDate             *from,
                const GDate             *to,
                GError                 **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree gboolean *team_ok = NULL;
  g_autofree gboolean *coordinator_ok = NULL;
  const char *team = filter ? filter->team : NULL;
  const char *coordinator = filter ? filter->coordinator : NULL;
  guint tiers = filter ? filter->tiers : 0;
  GDate month;
  int year, mon, day;

  memset (context, 0, sizeof (Context));
  if (from == NULL || to == NULL || !g_date_valid (from) || !g_date_valid (to) || g_date_compare (from, to) > 0)
    {
      g_set_error_literal (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                           _("Choose a period: a first day on or before its last day"));
      return FALSE;
    }
  context->n_months = (g_date_get_year (to) - g_date_get_year (from)) * 12 +
                      (int) g_date_get_month (to) - (int) g_date_get_month (from) + 1;
  if (context->n_months > KITH_OUTCOMES_MAX_MONTHS)
    {
      g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                   _("Choose a period of at most %u months"), KITH_OUTCOMES_MAX_MONTHS);
      return FALSE;
    }
  if (tiers >= KITH_CASELOAD_TIER (KITH_FRAILTY_SEVERE + 1))
    {
      g_set_error_literal (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                           _("Unknown risk tier"));
      return FALSE;
    }

  context->facts = facts;
  context->from = g_date_get_julian (from);
  context->to = g_date_get_julian (to);
  now = filter && filter->now ? g_date_time_ref (filter->now) : g_date_time_new_now_local ();
  context->now = g_date_time_to_unix (now) * G_USEC_PER_SEC + g_date_time_get_microsecond (now);
  g_date_time_get_ymd (now, &year, &mon, &day);
  {
    GDate today;

    g_date_clear (&today, 1);
    g_date_set_dmy (&today, day, mon, year);
    context->today = g_date_get_julian (&today);
  }

  context->month_first = g_new (guint32, context->n_months);
  context->month_last = g_new (guint32, context->n_months);
  g_date_clear (&month, 1);
  g_date_set_dmy (&month, 1, g_date_get_month (from), g_date_get_year (from));
  for (guint m = 0; m < context->n_months; m++)
    {
      guint32 first = g_date_get_julian (&month);
      guint32 last = first + g_date_get_days_in_month (g_date_get_month (&month), g_date_get_year (&month)) - 1;

      context->month_first[m] = MAX (first, context->from);
      context->month_last[m] = MIN (last, context->to);
      g_date_add_months (&month, 1);
    }

  /* Who the filter chooses, as the caseload filter matches names. */
  team_ok = g_new0 (gboolean, facts->teams->len + 1);
  if (team && *team)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (team));
      g_autofree char *folded = g_utf8_casefold (stripped, -1);

      for (guint i = 0; i < facts->teams->len; i++)
        team_ok[i] = g_str_equal (facts->teams->pdata[i], folded);
    }
  coordinator_ok = g_new0 (gboolean, facts->coordinators->len + 1);
  if (coordinator && *coordinator)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (coordinator));
      g_autofree char *folded = g_utf8_casefold (stripped, -1);
      g_autofree char *with_role = g_strconcat (folded, " (", NULL);

      for (guint i = 0; *folded && i < facts->coordinators->len; i++)
        coordinator_ok[i] = g_str_equal (facts->coordinators->pdata[i], folded) ||
                            g_str_has_prefix (facts->coordinators->pdata[i], with_role);
    }
  context->chosen = g_new0 (guint8, facts->n);
  for (gsize pid = 0; pid < facts->n; pid++)
    {
      if (!facts->indexed[pid])
        continue;
      if (team && *team && (facts->team[pid] == NOT_A_PERSON || !team_ok[facts->team[pid]]))
        continue;
      if (coordinator && *coordinator &&
          (facts->coordinator[pid] == NOT_A_PERSON || !coordinator_ok[facts->coordinator[pid]]))
        continue;
      if (tiers && (facts->tier[pid] == 0 || !(tiers & KITH_CASELOAD_TIER (facts->tier[pid] - 1))))
        continue;
      context->chosen[pid] = 1;
    }
  return TRUE;
}

/* The month of the period a day falls in, or -1 outside the period. */
static int
month_index (const Context *context,
             guint32        day)
{
  guint lo = 0, hi = context->n_months;

  if (day < context->from || day > context->to)
    return -1;
  while (lo + 1 < hi)
    {
      guint mid = (lo + hi) / 2;

      if (context->month_first[mid] <= day)
        lo = mid;
      else
        hi = mid;
    }
  return (int) lo;
}

static gboolean
on_caseload (const Facts *facts,
             guint32      person,
             guint32      day)
{
  return facts->indexed[person] && !facts->inactive[person] && !facts->undated_death[person] &&
         (facts->added[person] == 0 || facts->added[person] <= day) &&
         (facts->died[person] == 0 || facts->died[person] > day);
}

typedef struct
{
  KithIndicatorResult *result;
  GPtrArray           *month_days;   /* GArray of double per month, for medians */
  GArray              *all_days;
} Tally;

static KithIndicatorResult *
new_result (const KithIndicatorSpec *spec,
            const Context           *context)
{
  KithIndicatorResult *result = g_new0 (KithIndicatorResult, 1);

  result->spec = spec;
  result->months = g_array_sized_new (FALSE, TRUE, sizeof (KithOutcomeMonth), context->n_months);
  for (guint m = 0; m < context->n_months; m++)
    {
      KithOutcomeMonth month = { 0 };

      g_date_clear (&month.first, 1);
      g_date_clear (&month.last, 1);
      g_date_set_julian (&month.first, context->month_first[m]);
      g_date_set_julian (&month.last, context->month_last[m]);
      g_array_append_val (result->months, month);
    }
  return result;
}

static void
tally_init (Tally                   *tally,
            const KithIndicatorSpec *spec,
            const Context           *context)
{
  tally->result = new_result (spec, context);
  tally->month_days = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint m = 0; m < context->n_months; m++)
    g_ptr_array_add (tally->month_days, g_array_new (FALSE, FALSE, sizeof (double)));
  tally->all_days = g_array_new (FALSE, FALSE, sizeof (double));
}

/* An event on @day: in the denominator, and the numerator if @met. */
static void
tally_event (Tally         *tally,
             const Context *context,
             guint32        day,
             gboolean       met)
{
  int m = month_index (context, day);
  KithOutcomeMonth *month;

  if (m < 0)
    return;
  month = &g_array_index (tally->result->months, KithOutcomeMonth, m);
  month->denominator++;
  tally->result->denominator++;
  if (met)
    {
      month->numerator++;
      tally->result->numerator++;
    }
}

static void
tally_days (Tally         *tally,
            const Context *context,
            guint32        day,
            double         days)
{
  int m = month_index (context, day);

  if (m < 0)
    return;
  g_array_append_val (g_ptr_array_index (tally->month_days, m), days);
  g_array_append_val (tally->all_days, days);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static gboolean
median_of (GArray *values,
           double *median)
{
  if (values->len == 0)
    return FALSE;
  g_array_sort (values, compare_doubles);
  if (values->len % 2)
    *median = g_array_index (values, double, values->len / 2);
  else
    *median = (g_array_index (values, double, values->len / 2 - 1) +
               g_array_index (values, double, values->len / 2)) / 2;
  return TRUE;
}

static KithIndicatorResult *
tally_finish (Tally *tally)
{
  KithIndicatorResult *result = g_steal_pointer (&tally->result);

  if (result->spec->has_median)
    {
      result->has_median = median_of (tally->all_days, &result->median_days);
      for (guint m = 0; m < result->months->len; m++)
        {
          KithOutcomeMonth *month = &g_array_index (result->months, KithOutcomeMonth, m);

          month->has_median = median_of (g_ptr_array_index (tally->month_days, m), &month->median_days);
        }
    }
  g_ptr_array_unref (tally->month_days);
  g_array_unref (tally->all_days);
  return result;
}

/* The day of each month's snapshot: its last day in the period, but not
 * after today; 0 for a month wholly after today. */
static guint32
snapshot_day (const Context *context,
              guint          m)
{
  guint32 day = MIN (context->month_last[m], context->today);

  return day >= context->month_first[m] ? day : 0;
}

/* The period's figure is the snapshot of the month holding its last
 * snapshot day. */
static void
finish_snapshot (KithIndicatorResult *result,
                 const Context       *context)
{
  for (guint m = context->n_months; m-- > 0;)
    if (snapshot_day (context, m) != 0)
      {
        KithOutcomeMonth *month = &g_array_index (result->months, KithOutcomeMonth, m);

        result->numerator = month->numerator;
        result->denominator = month->denominator;
        return;
      }
}


static KithIndicatorResult *
compute_plan_coverage (const KithIndicatorSpec *spec,
                       const Context           *context)
{
  const Facts *facts = context->facts;
  KithIndicatorResult *result = new_result (spec, context);
  g_autofree guint32 *days = g_new0 (guint32, context->n_months);
  guint words = (context->n_months + 63) / 64;
  g_autofree guint64 *covered = g_new0 (guint64, facts->n * words);

  for (guint m = 0; m < context->n_months; m++)
    days[m] = snapshot_day (context, m);
  for (guint i = 0; i < facts->coverage->len; i++)
    {
      const Interval *interval = &g_array_index (facts->coverage, Interval, i);

      if (!context->chosen[interval->person])
        continue;
      for (guint m = 0; m < context->n_months; m++)
        if (days[m] && interval->start <= days[m] && days[m] < interval->end)
          covered[interval->person * words + m / 64] |= G_GUINT64_CONSTANT (1) << (m % 64);
    }
  for (gsize pid = 0; pid < facts->n; pid++)
    {
      if (!context->chosen[pid])
        continue;
      for (guint m = 0; m < context->n_months; m++)
        {
          KithOutcomeMonth *month;

          if (days[m] == 0 || !on_caseload (facts, pid, days[m]))
            continue;
          month = &g_array_index (result->months, KithOutcomeMonth, m);
          month->denominator++;
          if (covered[pid * words + m / 64] & (G_GUINT64_CONSTANT (1) << (m % 64)))
            month->numerator++;
        }
    }
  finish_snapshot (result, context);
  return result;
}

static KithIndicatorResult *
compute_reviews (const KithIndicatorSpec *spec,
                 const Context           *context)
{
  Tally tally;

  tally_init (&tally, spec, context);
  for (guint i = 0; i < context->facts->reviews->len; i++)
    {
      const Review *review = &g_array_index (context->facts->reviews, Review, i);

      if (context->chosen[review->person] && review->day < context->today)
        tally_event (&tally, context, review->day, review->done);
    }
  return tally_finish (&tally);
}

static KithIndicatorResult *
compute_referrals (const KithIndicatorSpec *spec,
                   const Context           *context,
                   gboolean                 to_contact)
{
  int standard = key_int (spec, "standard_days");
  Tally tally;

  tally_init (&tally, spec, context);
  for (guint i = 0; i < context->facts->referrals->len; i++)
    {
      const Referral *referral = &g_array_index (context->facts->referrals, Referral, i);
      guint32 end = to_contact ? referral->contacted : referral->triaged;
      gboolean met = end != 0 && end >= referral->received && end - referral->received <= (guint32) standard;

      if (!context->chosen[referral->person] || (to_contact && referral->declined))
        continue;
      /* Not done yet, and still within the standard: too early to tell. */
      if (!met && end == 0 && context->today <= referral->received + (guint32) standard)
        continue;
      tally_event (&tally, context, referral->received, met);
      if (end != 0 && end >= referral->received)
        tally_days (&tally, context, referral->received, end - referral->received);
    }
  return tally_finish (&tally);
}

static KithIndicatorResult *
compute_discharges (const KithIndicatorSpec *spec,
                    const Context           *context)
{
  const Facts *facts = context->facts;
  guint32 standard = (guint32) key_int (spec, "standard_days");
  Tally tally;

  tally_init (&tally, spec, context);
  for (guint i = 0; i < facts->discharges->len; i++)
    {
      const Discharge *discharge = &g_array_index (facts->discharges, Discharge, i);
      gboolean met = discharge->followed != 0 && discharge->followed - discharge->day <= standard;
      guint32 died = facts->died[discharge->person];

      if (!context->chosen[discharge->person])
        continue;
      if (!met && (context->today <= discharge->day + standard ||
                   (died != 0 && died >= discharge->day && died <= discharge->day + standard) ||
                   facts->undated_death[discharge->person]))
        continue;
      tally_event (&tally, context, discharge->day, met);
    }
  return tally_finish (&tally);
}

static KithIndicatorResult *
compute_alerts (const KithIndicatorSpec *spec,
                const Context           *context)
{
  gint64 window = (gint64) key_int (spec, "standard_hours") * G_USEC_PER_SEC * 3600;
  Tally tally;

  tally_init (&tally, spec, context);
  for (guint i = 0; i < context->facts->alerts->len; i++)
    {
      const Alert *alert = &g_array_index (context->facts->alerts, Alert, i);
      gboolean met = alert->is_closed && alert->closed != 0 && alert->closed - alert->raised <= window;

      if (!context->chosen[alert->person])
        continue;
      if (!alert->is_closed && context->now - alert->raised < window)
        continue;
      tally_event (&tally, context, alert->day, met);
    }
  return tally_finish (&tally);
}

static KithIndicatorResult *
compute_carers (const KithIndicatorSpec *spec,
                const Context           *context)
{
  const Facts *facts = context->facts;
  KithIndicatorResult *result = new_result (spec, context);
  guint months = (guint) key_int (spec, "months");

  for (guint m = 0; m < context->n_months; m++)
    {
      guint32 day = snapshot_day (context, m);
      guint32 window_start;
      KithOutcomeMonth *month = &g_array_index (result->months, KithOutcomeMonth, m);

      if (day == 0)
        continue;
      window_start = months_before (day, months);
      for (guint i = 0; i < facts->carers->len; i++)
        {
          const Carer *carer = &g_array_index (facts->carers, Carer, i);
          gboolean assessed = FALSE;

          if (!context->chosen[carer->person] || carer->inactive || (carer->added != 0 && carer->added > day) ||
              !on_caseload (facts, carer->person, day))
            continue;
          for (guint a = 0; a < carer->n && !assessed; a++)
            {
              guint32 assessed_on = g_array_index (facts->carer_assessments, guint32, carer->first + a);

              assessed = assessed_on > window_start && assessed_on <= day;
            }
          month->denominator++;
          if (assessed)
            month->numerator++;
        }
    }
  finish_snapshot (result, context);
  return result;
}

static KithIndicatorResult *
compute_places (const KithIndicatorSpec *spec,
                const Context           *context,
                gboolean                 met)
{
  const Facts *facts = context->facts;
  Tally tally;

  tally_init (&tally, spec, context);
  for (gsize pid = 0; pid < facts->n; pid++)
    {
      if (!context->chosen[pid] || facts->died[pid] == 0)
        continue;
      if (!met)
        tally_event (&tally, context, facts->died[pid], facts->place_recorded[pid]);
      else if (facts->place_recorded[pid])
        tally_event (&tally, context, facts->died[pid], facts->died_in_place[pid] == 1);
    }
  return tally_finish (&tally);
}

static KithIndicatorResult *
compute_experience (const KithIndicatorSpec *spec,
                    const Context           *context)
{
  const Facts *facts = context->facts;
  Tally tally;

  tally_init (&tally, spec, context);
  for (guint i = 0; i < facts->experiences->len; i++)
    {
      const Experience *experience = &g_array_index (facts->experiences, Experience, i);
      guint8 answer = g_array_index (facts->experience_answers, guint8,
                                     experience->answers + spec->keys->experience_item);

      if (!context->chosen[experience->person] || answer == ANSWER_NONE || answer == ANSWER_NOT_APPLICABLE)
        continue;
      tally_event (&tally, context, experience->day, answer == ANSWER_TOP);
    }
  return tally_finish (&tally);
}

static KithIndicatorResult *
compute_collaborate (const KithIndicatorSpec *spec,
                     const Context           *context)
{
  Tally tally;

  tally_init (&tally, spec, context);
  for (guint i = 0; i < context->facts->decisions->len; i++)
    {
      const Decision *decision = &g_array_index (context->facts->decisions, Decision, i);

      if (context->chosen[decision->person])
        tally_event (&tally, context, decision->day, decision->top);
    }
  return tally_finish (&tally);
}

static KithIndicatorResult *
compute_one (const KithIndicatorSpec *spec,
             const Context           *context)
{
  switch (spec->keys->computation)
    {
    case COMPUTE_PLAN_COVERAGE: return compute_plan_coverage (spec, context);
    case COMPUTE_REVIEWS: return compute_reviews (spec, context);
    case COMPUTE_TRIAGE: return compute_referrals (spec, context, FALSE);
    case COMPUTE_FIRST_CONTACT: return compute_referrals (spec, context, TRUE);
    case COMPUTE_DISCHARGE: return compute_discharges (spec, context);
    case COMPUTE_ALERTS: return compute_alerts (spec, context);
    case COMPUTE_CARERS: return compute_carers (spec, context);
    case COMPUTE_PLACE_RECORDED: return compute_places (spec, context, FALSE);
    case COMPUTE_PLACE_MET: return compute_places (spec, context, TRUE);
    case COMPUTE_EXPERIENCE: return compute_experience (spec, context);
    case COMPUTE_COLLABORATE: return compute_collaborate (spec, context);
    default: g_assert_not_reached ();
    }
}

void
kith_indicator_result_free (KithIndicatorResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->months, g_array_unref);
  g_free (result);
}

void
kith_outcome_result_free (KithOutcomeResult *result)
{
  if (result == NULL)
    return;
  g_free (result->team);
  g_free (result->coordinator);
  g_free (result->computed_at);
  g_clear_pointer (&result->indicators, g_ptr_array_unref);
  g_clear_pointer (&result->baseline, kith_outcome_baseline_free);
  g_strfreev (result->teams);
  g_strfreev (result->coordinators);
  g_free (result);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

/* The names as first written, sorted, each once. */
static GStrv
sorted_names (GPtrArray *names)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (sorted, names->pdata[i]);
  g_ptr_array_sort (sorted, compare_names);
  for (guint i = 0; i < sorted->len; i++)
    {
      char *folded = g_utf8_casefold (sorted->pdata[i], -1);

      if (g_hash_table_add (seen, folded))
        g_strv_builder_add (builder, sorted->pdata[i]);
    }
  return g_strv_builder_end (builder);
}

static gboolean
check_filter (const KithOutcomeFilter  *filter,
              GError                  **error)
{
  if (filter && ((filter->team && !g_utf8_validate (filter->team, -1, NULL)) ||
                 (filter->coordinator && !g_utf8_validate (filter->coordinator, -1, NULL))))
    {
      g_set_error_literal (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                           _("The filter is not valid text"));
      return FALSE;
    }
  return TRUE;
}

KithOutcomeResult *
kith_outcomes_compute (KithStore                *store,
                       const KithOutcomeFilter  *filter,
                       const GDate              *from,
                       const GDate              *to,
                       GError                  **error)
{
  g_autoptr(KithOutcomeResult) result = NULL;
  Definitions *defs;
  Facts *facts;
  Context context;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_filter (filter, error) || !(defs = get_definitions (error)) || !(facts = get_facts (store, defs, error)))
    return NULL;
  if (!set_up_context (&context, facts, filter, from, to, error))
    return NULL;

  result = g_new0 (KithOutcomeResult, 1);
  result->from = *from;
  result->to = *to;
  result->team = filter && filter->team && *filter->team ? g_strdup (filter->team) : NULL;
  result->coordinator = filter && filter->coordinator && *filter->coordinator ? g_strdup (filter->coordinator) : NULL;
  result->tiers = filter ? filter->tiers : 0;
  result->computed_at = kith_fhir_now_instant ();
  result->indicators = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_indicator_result_free);
  for (guint i = 0; i < defs->specs->len; i++)
    g_ptr_array_add (result->indicators, compute_one (defs->specs->pdata[i], &context));
  result->teams = sorted_names (facts->team_names);
  result->coordinators = sorted_names (facts->coordinator_names);
  context_clear (&context);
  return g_steal_pointer (&result);
}

KithIndicatorResult *
kith_outcomes_compute_indicator (KithStore                *store,
                                 const char               *indicator_id,
                                 const KithOutcomeFilter  *filter,
                                 const GDate              *from,
                                 const GDate              *to,
                                 GError                  **error)
{
  const KithIndicatorSpec *spec;
  KithIndicatorResult *result;
  Definitions *defs;
  Facts *facts;
  Context context;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_filter (filter, error) || !(defs = get_definitions (error)))
    return NULL;
  if (!(spec = kith_outcomes_lookup_indicator (indicator_id)))
    {
      g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_NOT_FOUND,
                   _("No indicator “%s”"), indicator_id ? indicator_id : "");
      return NULL;
    }
  if (!(facts = get_facts (store, defs, error)) || !set_up_context (&context, facts, filter, from, to, error))
    return NULL;
  result = compute_one (spec, &context);
  context_clear (&context);
  return result;
}

/* --- off the main loop -------------------------------------------------------- */

#define READER_KEY "kith-outcomes-reader"

/* A second connection to the store's file, for the worker threads: its
 * own read transactions (WAL lets it read while the window writes), and
 * its facts kept between calls. Shared by the store (object data) and
 * each task, refcounted. */
typedef struct
{
  char      *path;
  GMutex     lock;        /* one task at a time on the connection */
  KithStore *store;       /* opened by the first task; under lock */
  GMutex     queue_lock;
  GPtrArray *queued;      /* the GCancellable (or NULL) of each task not finished */
} Reader;

static void
reader_clear (Reader *reader)
{
  g_free (reader->path);
  g_clear_object (&reader->store);
  g_clear_pointer (&reader->queued, g_ptr_array_unref);
  g_mutex_clear (&reader->lock);
  g_mutex_clear (&reader->queue_lock);
}

static void
reader_unref (Reader *reader)
{
  g_atomic_rc_box_release_full (reader, (GDestroyNotify) reader_clear);
}

static Reader *
get_reader (KithStore *store)
{
  Reader *reader = g_object_get_data (G_OBJECT (store), READER_KEY);

  if (reader == NULL)
    {
      reader = g_atomic_rc_box_new0 (Reader);
      reader->path = g_strdup (kith_store_get_path (store));
      g_mutex_init (&reader->lock);
      g_mutex_init (&reader->queue_lock);
      reader->queued = g_ptr_array_new ();
      g_object_set_data_full (G_OBJECT (store), READER_KEY, reader, (GDestroyNotify) reader_unref);
    }
  return g_atomic_rc_box_acquire (reader);
}

typedef enum
{
  JOB_COMPUTE,
  JOB_FREEZE,
} JobKind;

typedef struct
{
  JobKind       kind;
  Reader       *reader;
  GCancellable *cancellable;   /* as queued */
  char         *name;
  char         *team;
  char         *coordinator;
  guint         tiers;
  GDateTime    *now;
  GDate         from;
  GDate         to;
} Job;

static void
job_free (Job *job)
{
  g_mutex_lock (&job->reader->queue_lock);
  g_ptr_array_remove (job->reader->queued, job->cancellable);
  g_mutex_unlock (&job->reader->queue_lock);
  g_clear_pointer (&job->reader, reader_unref);
  g_clear_object (&job->cancellable);
  g_free (job->name);
  g_free (job->team);
  g_free (job->coordinator);
  g_clear_pointer (&job->now, g_date_time_unref);
  g_free (job);
}

/* sqlite asks every few thousand steps: reading stops (SQLITE_INTERRUPT)
 * only when no task is left that wants what is being read. */
static int
on_reader_progress (void *user_data)
{
  Reader *reader = user_data;
  gboolean wanted = FALSE;

  g_mutex_lock (&reader->queue_lock);
  for (guint i = 0; i < reader->queued->len && !wanted; i++)
    wanted = !g_cancellable_is_cancelled (reader->queued->pdata[i]);
  g_mutex_unlock (&reader->queue_lock);
  return !wanted;
}

static void
run_job (GTask        *task,
         gpointer      source_object,
         gpointer      task_data,
         GCancellable *cancellable)
{
  Job *job = task_data;
  Reader *reader = job->reader;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithOutcomeResult) result = NULL;
  KithOutcomeFilter filter = { job->team, job->coordinator, job->tiers, job->now };
  gboolean frozen = FALSE;

  if (g_task_return_error_if_cancelled (task))
    return;

  g_mutex_lock (&reader->lock);
  if (reader->store == NULL)
    reader->store = kith_store_open (reader->path, &error);
  if (reader->store != NULL && !g_cancellable_is_cancelled (cancellable))
    {
      sqlite3 *db = kith_store_get_db (reader->store);

      sqlite3_progress_handler (db, 10000, on_reader_progress, reader);
      if (job->kind == JOB_COMPUTE)
        result = kith_outcomes_compute (reader->store, &filter, &job->from, &job->to, &error);
      else
        frozen = kith_outcomes_freeze_baseline (reader->store, job->name, &filter, &job->from, &job->to, &error);
      sqlite3_progress_handler (db, 0, NULL, NULL);
    }
  g_mutex_unlock (&reader->lock);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (job->kind == JOB_COMPUTE)
    g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) kith_outcome_result_free);
  else
    g_task_return_boolean (task, frozen);
}

static void
start_job (KithStore               *store,
           JobKind                  kind,
           const char              *name,
           const KithOutcomeFilter *filter,
           const GDate             *from,
           const GDate             *to,
           GCancellable            *cancellable,
           GAsyncReadyCallback      callback,
           gpointer                 user_data,
           gpointer                 source_tag)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  Job *job;

  g_task_set_source_tag (task, source_tag);
  if (from == NULL || to == NULL || !g_date_valid (from) || !g_date_valid (to) || !check_filter (filter, &error))
    {
      if (error == NULL)
        g_set_error_literal (&error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                             _("Choose a period: a first day on or before its last day"));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job = g_new0 (Job, 1);
  job->kind = kind;
  job->reader = get_reader (store);
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  job->name = g_strdup (name);
  job->team = filter && filter->team ? g_strdup (filter->team) : NULL;
  job->coordinator = filter && filter->coordinator ? g_strdup (filter->coordinator) : NULL;
  job->tiers = filter ? filter->tiers : 0;
  job->now = filter && filter->now ? g_date_time_ref (filter->now) : NULL;
  job->from = *from;
  job->to = *to;
  g_mutex_lock (&job->reader->queue_lock);
  g_ptr_array_add (job->reader->queued, job->cancellable);
  g_mutex_unlock (&job->reader->queue_lock);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_job);
}

void
kith_outcomes_compute_async (KithStore               *store,
                             const KithOutcomeFilter *filter,
                             const GDate             *from,
                             const GDate             *to,
                             GCancellable            *cancellable,
                             GAsyncReadyCallback      callback,
                             gpointer                 user_data)
{
  g_return_if_fail (KITH_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_job (store, JOB_COMPUTE, NULL, filter, from, to, cancellable, callback, user_data,
             kith_outcomes_compute_async);
}

KithOutcomeResult *
kith_outcomes_compute_finish (KithStore     *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kith_outcomes_compute_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kith_outcomes_freeze_baseline_async (KithStore               *store,
                                     const char              *name,
                                     const KithOutcomeFilter *filter,
                                     const GDate             *from,
                                     const GDate             *to,
                                     GCancellable            *cancellable,
                                     GAsyncReadyCallback      callback,
                                     gpointer                 user_data)
{
  g_return_if_fail (KITH_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_job (store, JOB_FREEZE, name, filter, from, to, cancellable, callback, user_data,
             kith_outcomes_freeze_baseline_async);
}

gboolean
kith_outcomes_freeze_baseline_finish (KithStore     *store,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kith_outcomes_freeze_baseline_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

const KithIndicatorResult *
kith_outcome_result_lookup (const KithOutcomeResult *result,
                            const char              *indicator_id)
{
  g_return_val_if_fail (result != NULL, NULL);

  for (guint i = 0; indicator_id && i < result->indicators->len; i++)
    {
      const KithIndicatorResult *one = result->indicators->pdata[i];

      if (g_str_equal (one->spec->id, indicator_id))
        return one;
    }
  return NULL;
}

double
kith_outcomes_rate (guint numerator,
                    guint denominator)
{
  return denominator ? 100.0 * numerator / denominator : NAN;
}

/* --- small numbers ------------------------------------------------------------- */

char *
kith_outcomes_format_count (guint count)
{
  if (count < KITH_OUTCOMES_SMALL_NUMBER)
    return g_strdup_printf ("<%d", KITH_OUTCOMES_SMALL_NUMBER);
  return g_strdup_printf ("%u", count);
}

char *
kith_outcomes_format_month_count (guint  count,
                                  guint8 hidden)
{
  switch (hidden)
    {
    case KITH_OUTCOMES_SMALL: return kith_outcomes_format_count (0);
    case KITH_OUTCOMES_HIDDEN: return g_strdup ("*");
    case KITH_OUTCOMES_SHOWN:
    default: return kith_outcomes_format_count (count);
    }
}

char *
kith_outcomes_format_rate (guint numerator,
                           guint denominator)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (denominator == 0 || numerator < KITH_OUTCOMES_SMALL_NUMBER || denominator < KITH_OUTCOMES_SMALL_NUMBER)
    return g_strdup ("–");
  /* Always a full stop: the CSV is read by programs too. */
  g_ascii_formatd (buffer, sizeof buffer, "%.1f", kith_outcomes_rate (numerator, denominator));
  return g_strconcat (buffer, "%", NULL);
}

/* Marks each month under 5 (KITH_OUTCOMES_SMALL), and when a row of
 * events has exactly one, the smallest month still shown as well
 * (KITH_OUTCOMES_HIDDEN): with the total shown, one small month alone
 * could be worked out. */
static void
suppress_row (const KithIndicatorResult *result,
              gboolean                   numerators,
              guint8                    *hidden)
{
  guint n_small = 0;
  int smallest = -1;
  guint smallest_value = G_MAXUINT;

  for (guint m = 0; m < result->months->len; m++)
    {
      const KithOutcomeMonth *month = &g_array_index (result->months, KithOutcomeMonth, m);
      guint value = numerators ? month->numerator : month->denominator;

      hidden[m] = value < KITH_OUTCOMES_SMALL_NUMBER ? KITH_OUTCOMES_SMALL : KITH_OUTCOMES_SHOWN;
      n_small += hidden[m] != KITH_OUTCOMES_SHOWN;
    }
  if (result->spec->kind != KITH_INDICATOR_EVENT || n_small != 1 || result->months->len < 2)
    return;
  for (guint m = 0; m < result->months->len; m++)
    {
      const KithOutcomeMonth *month = &g_array_index (result->months, KithOutcomeMonth, m);
      guint value = numerators ? month->numerator : month->denominator;

      if (hidden[m] == KITH_OUTCOMES_SHOWN && value < smallest_value)
        {
          smallest = (int) m;
          smallest_value = value;
        }
    }
  if (smallest >= 0)
    hidden[smallest] = KITH_OUTCOMES_HIDDEN;
}

void
kith_outcomes_suppress_months (const KithIndicatorResult *result,
                               guint8                    *numerator_hidden,
                               guint8                    *denominator_hidden)
{
  g_return_if_fail (result != NULL);
  g_return_if_fail (numerator_hidden != NULL && denominator_hidden != NULL);

  suppress_row (result, TRUE, numerator_hidden);
  suppress_row (result, FALSE, denominator_hidden);
}

/* --- baselines ----------------------------------------------------------------- */

static void
baseline_value_free (KithBaselineValue *value)
{
  g_free (value->indicator_id);
  g_free (value);
}

void
kith_outcome_baseline_free (KithOutcomeBaseline *baseline)
{
  if (baseline == NULL)
    return;
  g_free (baseline->name);
  g_free (baseline->frozen_at);
  g_free (baseline->team);
  g_free (baseline->coordinator);
  g_clear_pointer (&baseline->values, g_ptr_array_unref);
  g_free (baseline);
}

static char *
format_date (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date), g_date_get_day (date));
}

static gboolean
parse_date (const char *text,
            GDate      *date)
{
  guint32 day = day_of (text);

  g_date_clear (date, 1);
  if (day == 0 || strlen (text) != 10)
    return FALSE;
  g_date_set_julian (date, day);
  return TRUE;
}

/* The baselines setting: {"baselines": [ … ]}, oldest first. */
static JsonArray *
read_baselines (KithStore  *store,
                GError    **error)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonArray *list;

  if (kith_store_get_setting (store, BASELINES_SETTING, &text) == NULL)
    return json_array_new ();
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) || !(root = json_parser_get_root (parser)) ||
      !JSON_NODE_HOLDS_OBJECT (root) || !(list = kith_fhir_get_array (json_node_get_object (root), "baselines")))
    {
      g_set_error_literal (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                           _("The saved baselines cannot be read"));
      return NULL;
    }
  return json_array_ref (list);
}

static KithOutcomeBaseline *
baseline_from_json (JsonObject *object)
{
  g_autoptr(KithOutcomeBaseline) baseline = g_new0 (KithOutcomeBaseline, 1);
  JsonObject *values = kith_fhir_get_object (object, "indicators");
  g_autoptr(GList) ids = values ? json_object_get_members (values) : NULL;

  baseline->name = g_strdup (kith_fhir_get_string (object, "name"));
  baseline->frozen_at = g_strdup (kith_fhir_get_string (object, "frozen"));
  baseline->team = g_strdup (kith_fhir_get_string (object, "team"));
  baseline->coordinator = g_strdup (kith_fhir_get_string (object, "coordinator"));
  baseline->tiers = json_object_has_member (object, "tiers") ? (guint) json_object_get_int_member (object, "tiers") : 0;
  if (baseline->name == NULL || !parse_date (kith_fhir_get_string (object, "from"), &baseline->from) ||
      !parse_date (kith_fhir_get_string (object, "to"), &baseline->to))
    return NULL;
  baseline->values = g_ptr_array_new_with_free_func ((GDestroyNotify) baseline_value_free);
  for (GList *l = ids; l; l = l->next)
    {
      JsonObject *counts = kith_fhir_get_object (values, l->data);
      KithBaselineValue *value;

      if (counts == NULL)
        continue;
      value = g_new0 (KithBaselineValue, 1);
      value->indicator_id = g_strdup (l->data);
      value->numerator = (guint) MAX (0, json_object_get_int_member_with_default (counts, "numerator", 0));
      value->denominator = (guint) MAX (0, json_object_get_int_member_with_default (counts, "denominator", 0));
      value->has_median = json_object_has_member (counts, "median_days");
      value->median_days = json_object_get_double_member_with_default (counts, "median_days", 0);
      g_ptr_array_add (baseline->values, value);
    }
  return g_steal_pointer (&baseline);
}

static gboolean
valid_name (const char *name)
{
  g_autofree char *stripped = name ? g_strstrip (g_strdup (name)) : NULL;

  return stripped && g_utf8_validate (stripped, -1, NULL) && *stripped &&
         g_utf8_strlen (stripped, -1) <= 80 && strlen (stripped) == strlen (name);
}

gboolean
kith_outcomes_freeze_baseline (KithStore                *store,
                               const char               *name,
                               const KithOutcomeFilter  *filter,
                               const GDate              *from,
                               const GDate              *to,
                               GError                  **error)
{
  g_autoptr(KithOutcomeResult) result = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  Facts *facts;
  guint64 changes;
  gint64 data_version;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!valid_name (name))
    {
      g_set_error_literal (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                           _("Give the baseline a name of 1 to 80 characters, without spaces at either end"));
      return FALSE;
    }
  if (!(list = read_baselines (store, error)))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_strcmp0 (kith_fhir_get_string (json_array_get_object_element (list, i), "name"), name) == 0)
      {
        g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_EXISTS,
                     _("A baseline called “%s” is frozen already"), name);
        return FALSE;
      }
  if (!(result = kith_outcomes_compute (store, filter, from, to, error)))
    return FALSE;

  first = format_date (from);
  last = format_date (to);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "frozen");
  json_builder_add_string_value (builder, result->computed_at);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, first);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, last);
  if (result->team)
    {
      json_builder_set_member_name (builder, "team");
      json_builder_add_string_value (builder, result->team);
    }
  if (result->coordinator)
    {
      json_builder_set_member_name (builder, "coordinator");
      json_builder_add_string_value (builder, result->coordinator);
    }
  json_builder_set_member_name (builder, "tiers");
  json_builder_add_int_value (builder, result->tiers);
  json_builder_set_member_name (builder, "indicators");
  json_builder_begin_object (builder);
  for (guint i = 0; i < result->indicators->len; i++)
    {
      const KithIndicatorResult *one = result->indicators->pdata[i];

      json_builder_set_member_name (builder, one->spec->id);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "numerator");
      json_builder_add_int_value (builder, one->numerator);
      json_builder_set_member_name (builder, "denominator");
      json_builder_add_int_value (builder, one->denominator);
      if (one->has_median)
        {
          json_builder_set_member_name (builder, "median_days");
          json_builder_add_double_value (builder, one->median_days);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_array_add_element (list, json_builder_get_root (builder));

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, json_object_new ());
  json_object_set_array_member (json_node_get_object (root), "baselines", json_array_ref (list));
  text = json_to_string (root, FALSE);

  /* Saving a setting changes nothing the indicators read: what was read
   * stays good. */
  facts = g_object_get_data (G_OBJECT (store), FACTS_KEY);
  if (!read_stamp (store, &changes, &data_version, error))
    return FALSE;
  if (!kith_store_set_setting (store, BASELINES_SETTING, text, error))
    return FALSE;
  if (facts && facts->changes == changes && facts->data_version == data_version)
    read_stamp (store, &facts->changes, &facts->data_version, NULL);
  return TRUE;
}

GPtrArray *
kith_outcomes_list_baselines (KithStore  *store,
                              GError    **error)
{
  g_autoptr(JsonArray) list = NULL;
  GPtrArray *baselines;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(list = read_baselines (store, error)))
    return NULL;
  baselines = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_outcome_baseline_free);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      KithOutcomeBaseline *baseline = JSON_NODE_HOLDS_OBJECT (node) ? baseline_from_json (json_node_get_object (node))
                                                                     : NULL;

      if (baseline)
        g_ptr_array_add (baselines, baseline);
    }
  return baselines;
}

KithOutcomeBaseline *
kith_outcomes_load_baseline (KithStore   *store,
                             const char  *name,
                             GError     **error)
{
  g_autoptr(GPtrArray) baselines = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(baselines = kith_outcomes_list_baselines (store, error)))
    return NULL;
  for (guint i = 0; i < baselines->len; i++)
    if (g_strcmp0 (((KithOutcomeBaseline *) baselines->pdata[i])->name, name) == 0)
      return g_ptr_array_steal_index (baselines, i);
  g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_NOT_FOUND,
               _("No baseline called “%s”"), name ? name : "");
  return NULL;
}

gboolean
kith_outcomes_delete_baseline (KithStore   *store,
                               const char  *name,
                               GError     **error)
{
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonArray) kept = json_array_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (!(list = read_baselines (store, error)))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (kith_fhir_get_string (json_node_get_object (node), "name"), name) == 0)
        found = TRUE;
      else
        json_array_add_element (kept, json_node_copy (node));
    }
  if (!found)
    {
      g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_NOT_FOUND,
                   _("No baseline called “%s”"), name ? name : "");
      return FALSE;
    }
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, json_object_new ());
  json_object_set_array_member (json_node_get_object (root), "baselines", json_array_ref (kept));
  text = json_to_string (root, FALSE);
  return kith_store_set_setting (store, BASELINES_SETTING, text, error);
}

const KithBaselineValue *
kith_outcome_baseline_lookup (const KithOutcomeBaseline *baseline,
                              const char                *indicator_id)
{
  g_return_val_if_fail (baseline != NULL, NULL);

  for (guint i = 0; indicator_id && i < baseline->values->len; i++)
    if (g_str_equal (((KithBaselineValue *) baseline->values->pdata[i])->indicator_id, indicator_id))
      return baseline->values->pdata[i];
  return NULL;
}

static KithOutcomeBaseline *
copy_baseline (const KithOutcomeBaseline *baseline)
{
  KithOutcomeBaseline *copy = g_new0 (KithOutcomeBaseline, 1);

  copy->name = g_strdup (baseline->name);
  copy->frozen_at = g_strdup (baseline->frozen_at);
  copy->from = baseline->from;
  copy->to = baseline->to;
  copy->team = g_strdup (baseline->team);
  copy->coordinator = g_strdup (baseline->coordinator);
  copy->tiers = baseline->tiers;
  copy->values = g_ptr_array_new_with_free_func ((GDestroyNotify) baseline_value_free);
  for (guint i = 0; i < baseline->values->len; i++)
    {
      const KithBaselineValue *value = baseline->values->pdata[i];
      KithBaselineValue *same = g_memdup2 (value, sizeof *value);

      same->indicator_id = g_strdup (value->indicator_id);
      g_ptr_array_add (copy->values, same);
    }
  return copy;
}

void
kith_outcome_result_set_baseline (KithOutcomeResult         *result,
                                  const KithOutcomeBaseline *baseline)
{
  g_return_if_fail (result != NULL);

  g_clear_pointer (&result->baseline, kith_outcome_baseline_free);
  if (baseline)
    result->baseline = copy_baseline (baseline);
}

gboolean
kith_outcomes_compare (const KithIndicatorResult *result,
                       const KithOutcomeBaseline *baseline,
                       double                    *change)
{
  const KithBaselineValue *value;

  g_return_val_if_fail (result != NULL, FALSE);

  if (baseline == NULL || !(value = kith_outcome_baseline_lookup (baseline, result->spec->id)) ||
      value->denominator == 0 || result->denominator == 0)
    return FALSE;
  if (change)
    *change = kith_outcomes_rate (result->numerator, result->denominator) -
              kith_outcomes_rate (value->numerator, value->denominator);
  return TRUE;
}

/* --- CSV ----------------------------------------------------------------------- */

/* RFC 4180 quoting. A field a spreadsheet would run as a formula (=, +, -
 * or @ first, and not a number) starts with ' instead, to stay text. */
static void
append_field (GString    *line,
              const char *value)
{
  g_autofree char *guarded = NULL;
  gboolean quote;
  char *end = NULL;

  if (line->len > 0 && line->str[line->len - 1] != '\n')
    g_string_append_c (line, ',');
  if (value == NULL || *value == '\0')
    return;
  if (strchr ("=+-@", value[0]) != NULL)
    {
      g_ascii_strtod (value, &end);
      if (end == value || *end != '\0')
        value = guarded = g_strconcat ("'", value, NULL);
    }
  quote = strpbrk (value, ",\"\r\n\t") != NULL;
  if (quote)
    g_string_append_c (line, '"');
  for (const char *c = value; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *c);
    }
  if (quote)
    g_string_append_c (line, '"');
}

static void
end_line (GString *line)
{
  g_string_append (line, "\r\n");
}

static char *
format_days (gboolean has_value,
             double   days)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!has_value)
    return g_strdup ("");
  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.1f", days));
}

static char *
describe_tiers (guint tiers)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
    if (tiers & KITH_CASELOAD_TIER (band))
      {
        if (text->len)
          g_string_append (text, " ");
        g_string_append (text, kith_frailty_band_id (band));
      }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
write_file (const char  *dir,
            const char  *name,
            GString     *contents,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, contents->str, contents->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_WRITE,
                   _("Cannot write %s: %s"), path, local_error->message);
      return FALSE;
    }
  /* An existing file keeps its mode when replaced: make sure. */
  if (g_chmod (path, 0600) != 0)
    {
      int saved = errno;

      g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_WRITE,
                   _("Cannot make %s private: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
kith_outcomes_write_csv (const KithOutcomeResult  *result,
                         const char               *dir,
                         GError                  **error)
{
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *tiers = NULL;

  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_WRITE,
                   _("Cannot make the folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  from = format_date (&result->from);
  to = format_date (&result->to);
  tiers = describe_tiers (result->tiers);

  /* indicators.csv: a row per indicator */
  append_field (summary, "indicator");
  append_field (summary, "title");
  append_field (summary, "from");
  append_field (summary, "to");
  append_field (summary, "team");
  append_field (summary, "coordinator");
  append_field (summary, "risk_tiers");
  append_field (summary, "numerator");
  append_field (summary, "denominator");
  append_field (summary, "rate_percent");
  append_field (summary, "median_days");
  append_field (summary, "baseline");
  append_field (summary, "baseline_numerator");
  append_field (summary, "baseline_denominator");
  append_field (summary, "baseline_rate_percent");
  append_field (summary, "change_points");
  end_line (summary);
  for (guint i = 0; i < result->indicators->len; i++)
    {
      const KithIndicatorResult *one = result->indicators->pdata[i];
      const KithBaselineValue *value = result->baseline ? kith_outcome_baseline_lookup (result->baseline, one->spec->id)
                                                        : NULL;
      g_autofree char *numerator = kith_outcomes_format_count (one->numerator);
      g_autofree char *denominator = kith_outcomes_format_count (one->denominator);
      g_autofree char *rate = kith_outcomes_format_rate (one->numerator, one->denominator);
      /* A median of fewer than 5 times would stand for small counts. */
      g_autofree char *median = format_days (one->has_median && one->denominator >= KITH_OUTCOMES_SMALL_NUMBER,
                                             one->median_days);
      g_autoptr(GString) months = g_string_new (NULL);
      g_autofree guint8 *numerator_hidden = g_new0 (guint8, one->months->len);
      g_autofree guint8 *denominator_hidden = g_new0 (guint8, one->months->len);
      g_autofree char *file = g_strconcat (one->spec->id, ".csv", NULL);
      double change;

      append_field (summary, one->spec->id);
      append_field (summary, one->spec->title);
      append_field (summary, from);
      append_field (summary, to);
      append_field (summary, result->team ? result->team : "");
      append_field (summary, result->coordinator ? result->coordinator : "");
      append_field (summary, tiers);
      append_field (summary, numerator);
      append_field (summary, denominator);
      append_field (summary, g_str_equal (rate, "–") ? "" : rate);
      append_field (summary, median);
      append_field (summary, value ? result->baseline->name : "");
      if (value)
        {
          g_autofree char *base_numerator = kith_outcomes_format_count (value->numerator);
          g_autofree char *base_denominator = kith_outcomes_format_count (value->denominator);
          g_autofree char *base_rate = kith_outcomes_format_rate (value->numerator, value->denominator);

          append_field (summary, base_numerator);
          append_field (summary, base_denominator);
          append_field (summary, g_str_equal (base_rate, "–") ? "" : base_rate);
        }
      else
        {
          append_field (summary, "");
          append_field (summary, "");
          append_field (summary, "");
        }
      /* A change is shown only when both rates are. */
      if (value && kith_outcomes_compare (one, result->baseline, &change) &&
          !g_str_equal (rate, "–") && value->numerator >= KITH_OUTCOMES_SMALL_NUMBER &&
          value->denominator >= KITH_OUTCOMES_SMALL_NUMBER)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          append_field (summary, g_ascii_formatd (buffer, sizeof buffer, "%+.1f", change));
        }
      else
        append_field (summary, "");
      end_line (summary);

      /* <id>.csv: a row per month */
      kith_outcomes_suppress_months (one, numerator_hidden, denominator_hidden);
      append_field (months, "month");
      append_field (months, "first_day");
      append_field (months, "last_day");
      append_field (months, "numerator");
      append_field (months, "denominator");
      append_field (months, "rate_percent");
      if (one->spec->has_median)
        append_field (months, "median_days");
      end_line (months);
      for (guint m = 0; m < one->months->len; m++)
        {
          const KithOutcomeMonth *month = &g_array_index (one->months, KithOutcomeMonth, m);
          g_autofree char *label = g_strdup_printf ("%04d-%02d", g_date_get_year (&month->first),
                                                    g_date_get_month (&month->first));
          g_autofree char *first = format_date (&month->first);
          g_autofree char *last = format_date (&month->last);
          g_autofree char *month_numerator = kith_outcomes_format_month_count (month->numerator, numerator_hidden[m]);
          g_autofree char *month_denominator = kith_outcomes_format_month_count (month->denominator,
                                                                               denominator_hidden[m]);
          g_autofree char *month_rate = numerator_hidden[m] || denominator_hidden[m]
                                        ? g_strdup ("")
                                        : kith_outcomes_format_rate (month->numerator, month->denominator);
          g_autofree char *month_median = format_days (month->has_median && !denominator_hidden[m] &&
                                                       month->denominator >= KITH_OUTCOMES_SMALL_NUMBER,
                                                       month->median_days);

          append_field (months, label);
          append_field (months, first);
          append_field (months, last);
          append_field (months, month_numerator);
          append_field (months, month_denominator);
          append_field (months, g_str_equal (month_rate, "–") ? "" : month_rate);
          if (one->spec->has_median)
            append_field (months, month_median);
          end_line (months);
        }
      if (!write_file (dir, file, months, error))
        return FALSE;
    }
  return write_file (dir, "indicators.csv", summary, error);
}

/* --- the experience questionnaire ------------------------------------------------ */

gboolean
kith_experience_is_top_box (KithAnswerSet *answers,
                            const char    *link_id)
{
  KithInstrument *instrument;
  const KithInstrumentItem *item;
  const KithAnswer *answer;
  const KithAnswerOption *chosen;
  double best = -G_MAXDOUBLE;

  g_return_val_if_fail (answers != NULL, FALSE);

  instrument = kith_answer_set_get_instrument (answers);
  item = link_id ? kith_instrument_lookup_item (instrument, link_id) : NULL;
  answer = link_id ? kith_answer_set_lookup (answers, link_id) : NULL;
  if (item == NULL || answer == NULL || answer->kind != KITH_ANSWER_CODE ||
      !(chosen = kith_instrument_item_lookup_option (item, answer->code)) || !chosen->has_ordinal)
    return FALSE;
  /* The best answer is the one scored highest. */
  for (guint i = 0; item->options && i < item->options->len; i++)
    {
      const KithAnswerOption *option = g_ptr_array_index (item->options, i);

      if (option->has_ordinal && option->ordinal > best)
        best = option->ordinal;
    }
  return chosen->ordinal == best;
}

/* A completed QuestionnaireResponse for @answers. */
static JsonObject *
new_response (KithAnswerSet  *answers,
              const char     *patient_id,
              const char     *plan_id,
              const char     *when,
              const char     *answered_on,
              const char     *recorded_by)
{
  KithInstrument *instrument = kith_answer_set_get_instrument (answers);
  g_autoptr(JsonArray) items = kith_answer_set_to_items (answers);
  g_autofree char *canonical = NULL;
  JsonObject *response;

  canonical = g_strdup_printf ("%s|%s", kith_instrument_get_url (instrument), kith_instrument_get_version (instrument));
  response = json_object_new ();
  json_object_set_string_member (response, "resourceType", "QuestionnaireResponse");
  json_object_set_string_member (response, "questionnaire", canonical);
  json_object_set_string_member (response, "status", "completed");
  json_object_set_object_member (response, "subject", kith_fhir_new_reference ("Patient", patient_id, NULL));
  if (plan_id)
    {
      JsonArray *based_on = json_array_new ();

      json_array_add_object_element (based_on, kith_fhir_new_reference ("CarePlan", plan_id, NULL));
      json_object_set_array_member (response, "basedOn", based_on);
    }
  json_object_set_string_member (response, "authored", when);
  if (answered_on)
    {
      /* The person gave the answers (source); the professional only
       * handed over the screen or typed in the paper form (author). */
      JsonObject *author = json_object_new ();

      json_object_set_object_member (response, "source", kith_fhir_new_reference ("Patient", patient_id, NULL));
      if (recorded_by)
        {
          json_object_set_string_member (author, "display", recorded_by);
          json_object_set_object_member (response, "author", author);
        }
      else
        json_object_unref (author);
      kith_fhir_set_extension (response, KITH_FHIR_SD "answered-on", "valueCode",
                               json_node_init_string (json_node_alloc (), answered_on));
    }
  json_object_set_array_member (response, "item", g_steal_pointer (&items));
  return response;
}

static gboolean
is_instrument (KithAnswerSet *answers,
               const char    *id)
{
  return g_strcmp0 (kith_instrument_get_id (kith_answer_set_get_instrument (answers)), id) == 0;
}

static char *
answered_when (const char  *authored,
               GError     **error)
{
  g_autoptr(GDateTime) parsed = NULL;

  if (authored == NULL)
    return kith_fhir_now_instant ();
  if (!(parsed = g_date_time_new_from_iso8601 (authored, NULL)))
    {
      g_set_error_literal (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                           _("When the questionnaire was answered: give a date and time with its zone"));
      return NULL;
    }
  return kith_fhir_format_instant (parsed);
}

char *
kith_experience_save (KithStore      *store,
                      const char     *patient_id,
                      KithAnswerSet  *answers,
                      const char     *plan_id,
                      const char     *authored,
                      GError        **error)
{
  g_autoptr(JsonObject) response = NULL;
  g_autofree char *when = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (answers != NULL, NULL);

  if (!is_instrument (answers, KITH_EXPERIENCE_INSTRUMENT))
    {
      g_set_error_literal (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                           _("These are not answers to the experience questionnaire"));
      return NULL;
    }
  if (!kith_fhir_is_valid_id (patient_id) || (plan_id && !kith_fhir_is_valid_id (plan_id)))
    {
      g_set_error_literal (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                           _("Say whose answers these are, with a valid id"));
      return NULL;
    }
  if (!(when = answered_when (authored, error)))
    return NULL;

  response = new_response (answers, patient_id, plan_id, when, NULL, NULL);
  if (!kith_store_save_resource (store, response, NULL, error))
    return NULL;
  return g_strdup (kith_fhir_get_string (response, "id"));
}

GStrv
kith_experience_record (KithStore                  *store,
                        const KithExperienceRecord *record,
                        GError                    **error)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autofree char *when = NULL;
  KithAnswerSet *sets[2];
  guint saved = 0;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sets[0] = record->experience;
  sets[1] = record->collaborate;
  if ((sets[0] && !is_instrument (sets[0], KITH_EXPERIENCE_INSTRUMENT)) ||
      (sets[1] && !is_instrument (sets[1], KITH_COLLABORATE_INSTRUMENT)))
    {
      g_set_error_literal (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                           _("These are not answers to the experience questionnaire and collaboRATE"));
      return NULL;
    }
  if (!kith_fhir_is_valid_id (record->patient_id) || (record->plan_id && !kith_fhir_is_valid_id (record->plan_id)))
    {
      g_set_error_literal (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                           _("Say whose answers these are, with a valid id"));
      return NULL;
    }
  if (!(when = answered_when (record->authored, error)))
    return NULL;

  /* Both questionnaires of one sitting, or neither. */
  if (!kith_store_begin (store, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    {
      g_autoptr(JsonObject) response = NULL;

      if (sets[i] == NULL)
        continue;
      response = new_response (sets[i], record->patient_id, record->plan_id, when,
                               record->source == KITH_EXPERIENCE_FROM_PAPER ? "paper" : "shared-screen",
                               record->recorded_by);
      if (json_array_get_length (kith_fhir_get_array (response, "item")) == 0)
        continue;   /* a questionnaire left out altogether */
      if (!kith_store_save_resource (store, response, NULL, error))
        {
          kith_store_rollback (store);
          return NULL;
        }
      g_strv_builder_add (ids, kith_fhir_get_string (response, "id"));
      saved++;
    }
  if (saved == 0)
    {
      kith_store_rollback (store);
      g_set_error_literal (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID,
                           _("Nothing was answered: there is nothing to save"));
      return NULL;
    }
  if (!kith_store_commit (store, error))
    return NULL;
  return g_strv_builder_end (ids);
}
