/* kith-caseload.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-caseload"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-caseload.h"
#include "kith-nhs-number.h"
#include "kith-patient.h"
#include "kith-store-private.h"

/* A search shows at most this many people; past it the list says "keep
 * typing" rather than making the clinician scroll thousands of rows. */
#define SEARCH_LIMIT 500

/* --- KithCaseloadEntry ------------------------------------------------- */

struct _KithCaseloadEntry
{
  GObject  parent_instance;

  char    *id;
  char    *list_name;
  char    *nhs_number;
  char    *birth_date;
  char    *coordinator;
  char    *next_review;
  char    *risk_tier;
  int      age;
  gboolean review_overdue;
  guint    open_alerts;
};

G_DEFINE_FINAL_TYPE (KithCaseloadEntry, kith_caseload_entry, G_TYPE_OBJECT)

enum {
  ENTRY_PROP_0,
  ENTRY_PROP_ID,
  ENTRY_PROP_LIST_NAME,
  ENTRY_PROP_NHS_NUMBER,
  ENTRY_PROP_BIRTH_DATE,
  ENTRY_PROP_AGE,
  ENTRY_PROP_COORDINATOR,
  ENTRY_PROP_NEXT_REVIEW,
  ENTRY_PROP_REVIEW_OVERDUE,
  ENTRY_PROP_OPEN_ALERTS,
  ENTRY_PROP_RISK_TIER,
  N_ENTRY_PROPS
};

static GParamSpec *entry_properties[N_ENTRY_PROPS];

static void
kith_caseload_entry_finalize (GObject *object)
{
  KithCaseloadEntry *self = (KithCaseloadEntry *) object;

  g_free (self->id);
  g_free (self->list_name);
  g_free (self->nhs_number);
  g_free (self->birth_date);
  g_free (self->coordinator);
  g_free (self->next_review);
  g_free (self->risk_tier);

  G_OBJECT_CLASS (kith_caseload_entry_parent_class)->finalize (object);
}

static void
kith_caseload_entry_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  KithCaseloadEntry *self = KITH_CASELOAD_ENTRY (object);

  switch (prop_id)
    {
    case ENTRY_PROP_ID:             g_value_set_string (value, self->id); break;
    case ENTRY_PROP_LIST_NAME:      g_value_set_string (value, self->list_name); break;
    case ENTRY_PROP_NHS_NUMBER:     g_value_set_string (value, self->nhs_number); break;
    case ENTRY_PROP_BIRTH_DATE:     g_value_set_string (value, self->birth_date); break;
    case ENTRY_PROP_AGE:            g_value_set_int (value, self->age); break;
    case ENTRY_PROP_COORDINATOR:    g_value_set_string (value, self->coordinator); break;
    case ENTRY_PROP_NEXT_REVIEW:    g_value_set_string (value, self->next_review); break;
    case ENTRY_PROP_REVIEW_OVERDUE: g_value_set_boolean (value, self->review_overdue); break;
    case ENTRY_PROP_OPEN_ALERTS:    g_value_set_uint (value, self->open_alerts); break;
    case ENTRY_PROP_RISK_TIER:      g_value_set_string (value, self->risk_tier); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_caseload_entry_class_init (KithCaseloadEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = kith_caseload_entry_finalize;
  object_class->get_property = kith_caseload_entry_get_property;

  entry_properties[ENTRY_PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_LIST_NAME] = g_param_spec_string ("list-name", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_NHS_NUMBER] = g_param_spec_string ("nhs-number", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_BIRTH_DATE] = g_param_spec_string ("birth-date", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_AGE] = g_param_spec_int ("age", NULL, NULL, -1, G_MAXINT, -1, flags);
  entry_properties[ENTRY_PROP_COORDINATOR] = g_param_spec_string ("coordinator", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_NEXT_REVIEW] = g_param_spec_string ("next-review", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_REVIEW_OVERDUE] = g_param_spec_boolean ("review-overdue", NULL, NULL, FALSE, flags);
  entry_properties[ENTRY_PROP_OPEN_ALERTS] = g_param_spec_uint ("open-alerts", NULL, NULL, 0, G_MAXUINT, 0, flags);
  entry_properties[ENTRY_PROP_RISK_TIER] = g_param_spec_string ("risk-tier", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_ENTRY_PROPS, entry_properties);
}

static void
kith_caseload_entry_init (KithCaseloadEntry *self)
{
  self->age = -1;
}

const char *
kith_caseload_entry_get_id (KithCaseloadEntry *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_ENTRY (self), NULL);
  return self->id;
}

const char *
kith_caseload_entry_get_list_name (KithCaseloadEntry *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_ENTRY (self), NULL);
  return self->list_name;
}

const char *
kith_caseload_entry_get_nhs_number (KithCaseloadEntry *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_ENTRY (self), NULL);
  return self->nhs_number;
}

const char *
kith_caseload_entry_get_birth_date (KithCaseloadEntry *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_ENTRY (self), NULL);
  return self->birth_date;
}

int
kith_caseload_entry_get_age (KithCaseloadEntry *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_ENTRY (self), -1);
  return self->age;
}

const char *
kith_caseload_entry_get_coordinator (KithCaseloadEntry *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_ENTRY (self), NULL);
  return self->coordinator;
}

const char *
kith_caseload_entry_get_next_review (KithCaseloadEntry *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_ENTRY (self), NULL);
  return self->next_review;
}

gboolean
kith_caseload_entry_get_review_overdue (KithCaseloadEntry *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_ENTRY (self), FALSE);
  return self->review_overdue;
}

guint
kith_caseload_entry_get_open_alerts (KithCaseloadEntry *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_ENTRY (self), 0);
  return self->open_alerts;
}

const char *
kith_caseload_entry_get_risk_tier (KithCaseloadEntry *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_ENTRY (self), NULL);
  return self->risk_tier;
}

/* --- search ------------------------------------------------------------ */

/* True when the query is an NHS number, whole or begun: digits, spaces and
 * dashes only, with at least one digit. */
static char *
query_as_nhs_prefix (const char *query)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  for (const char *p = query; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p != ' ' && *p != '-')
        return NULL;
    }
  if (digits->len == 0 || digits->len > 10)
    return NULL;
  return g_string_free (g_steal_pointer (&digits), FALSE);
}

/* Splits the query the way the FTS tokenizer splits names (any character
 * that is not a letter or digit separates), and makes each piece a quoted
 * prefix term, so nothing typed can be read as FTS syntax. */
static char *
query_as_fts (const char *query)
{
  g_autoptr(GString) fts = g_string_new (NULL);
  g_autoptr(GString) token = g_string_new (NULL);

  for (const char *p = query;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && g_unichar_isalnum (c))
        {
          g_string_append_unichar (token, c);
          continue;
        }
      if (token->len > 0)
        {
          g_string_append_printf (fts, "%s\"%s\"*", fts->len ? " " : "", token->str);
          g_string_truncate (token, 0);
        }
      if (c == 0)
        break;
    }
  if (fts->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&fts), FALSE);
}

static int
compare_guint32 (gconstpointer a,
                 gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

GArray *
kith_store_search_patients (KithStore   *store,
                            const char  *query,
                            guint        limit,
                            gboolean    *truncated,
                            GError     **error)
{
  g_autoptr(GArray) order = NULL;
  g_autoptr(GArray) ranks = NULL;
  g_autoptr(GArray) pids = NULL;
  g_autofree char *nhs = NULL;
  g_autofree char *fts = NULL;
  g_autofree char *upper = NULL;
  const guint32 *rank_of = NULL;
  gsize n_rank_of = 0;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (truncated)
    *truncated = FALSE;
  if (query == NULL)
    query = "";

  if (!kith_store_get_name_order (store, &order, &rank_of, &n_rank_of, error))
    return NULL;

  if ((nhs = query_as_nhs_prefix (query)) != NULL)
    {
      /* A range on the NHS number index: "943476" finds 943476xxxx. */
      upper = g_strconcat (nhs, ":", NULL);  /* ':' sorts just after '9' */
      stmt = kith_store_prepare (store,
                                 "SELECT pid FROM patient_index"
                                 " WHERE nhs_number >= ?1 AND nhs_number < ?2",
                                 error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, nhs, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_STATIC);
    }
  else if ((fts = query_as_fts (query)) != NULL)
    {
      stmt = kith_store_prepare (store,
                                 "SELECT rowid FROM patient_search WHERE patient_search MATCH ?1",
                                 error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, fts, -1, SQLITE_STATIC);
    }
  else
    {
      /* Everyone, already in order. */
      pids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), order->len);
      g_array_append_vals (pids, order->data, limit ? MIN (limit, order->len) : order->len);
      if (truncated)
        *truncated = limit > 0 && order->len > limit;
      return g_steal_pointer (&pids);
    }

  ranks = g_array_new (FALSE, FALSE, sizeof (guint32));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 pid = sqlite3_column_int64 (stmt, 0);

      if (pid >= 0 && (gsize) pid < n_rank_of && rank_of[pid] != G_MAXUINT32)
        g_array_append_val (ranks, rank_of[pid]);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return NULL;
    }

  g_array_sort (ranks, compare_guint32);
  if (limit > 0 && ranks->len > limit)
    {
      g_array_set_size (ranks, limit);
      if (truncated)
        *truncated = TRUE;
    }

  pids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ranks->len);
  for (guint i = 0; i < ranks->len; i++)
    g_array_append_val (pids, g_array_index (order, gint64, g_array_index (ranks, guint32, i)));
  return g_steal_pointer (&pids);
}

/* --- KithCaseload ------------------------------------------------------ */

struct _KithCaseload
{
  GObject    parent_instance;

  KithStore *store;
  char      *query;
  GArray    *pids;       /* gint64, in list order */
  GPtrArray *entries;    /* KithCaseloadEntry or NULL, made on demand */
  GDate      today;
  gboolean   truncated;
  KithCaseloadFilter filters;
  char      *coordinator;   /* for KITH_CASELOAD_FILTER_MINE */
  guint      tiers;         /* for KITH_CASELOAD_FILTER_TIER */
  char      *team;          /* for KITH_CASELOAD_FILTER_TEAM */
  KithCaseloadSort sort;
  gboolean   descending;
};

static void kith_caseload_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KithCaseload, kith_caseload, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, kith_caseload_list_model_init))

enum {
  PROP_0,
  PROP_QUERY,
  PROP_TRUNCATED,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One row of the patient index, by row id (@pid) or by patient id. */
static KithCaseloadEntry *
read_entry (KithStore   *store,
            gint64       pid,
            const char  *patient_id,
            GDate       *today,
            gboolean    *found)
{
  g_autoptr(GError) error = NULL;
  KithCaseloadEntry *entry;
  sqlite3_stmt *stmt;

  stmt = kith_store_prepare (store,
                             patient_id
                             ? "SELECT id, list_name, nhs_number, birth_date, coordinator, next_review, open_alerts,"
                               " risk_tier FROM patient_index WHERE id = ?2"
                             : "SELECT id, list_name, nhs_number, birth_date, coordinator, next_review, open_alerts,"
                               " risk_tier FROM patient_index WHERE pid = ?1",
                             &error);
  entry = g_object_new (KITH_TYPE_CASELOAD_ENTRY, NULL);
  *found = FALSE;
  if (stmt == NULL)
    {
      g_warning ("Cannot read the caseload: %s", error->message);
      return entry;
    }
  if (patient_id)
    sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, pid);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *nhs = (const char *) sqlite3_column_text (stmt, 2);

      entry->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      entry->list_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->nhs_number = kith_nhs_number_format (nhs);
      entry->birth_date = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      entry->coordinator = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      entry->next_review = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      entry->age = kith_age_from_birth_date (entry->birth_date, today);
      entry->open_alerts = (guint) sqlite3_column_int (stmt, 6);
      entry->risk_tier = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      if (entry->next_review != NULL)
        {
          char today_iso[11];

          g_date_strftime (today_iso, sizeof today_iso, "%Y-%m-%d", today);
          entry->review_overdue = strcmp (entry->next_review, today_iso) < 0;
        }
      *found = TRUE;
    }
  sqlite3_reset (stmt);
  return entry;
}

static KithCaseloadEntry *
load_entry (KithCaseload *self,
            gint64        pid)
{
  gboolean found;

  return read_entry (self->store, pid, NULL, &self->today, &found);
}

KithCaseloadEntry *
kith_caseload_entry_load (KithStore   *store,
                          const char  *patient_id,
                          GError     **error)
{
  g_autoptr(KithCaseloadEntry) entry = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDate today;
  gboolean found;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  entry = read_entry (store, -1, patient_id, &today, &found);
  if (!found)
    {
      g_set_error_literal (error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND,
                           _("This person is not in the caseload on this computer"));
      return NULL;
    }
  return g_steal_pointer (&entry);
}

static GType
kith_caseload_get_item_type (GListModel *model)
{
  return KITH_TYPE_CASELOAD_ENTRY;
}

static guint
kith_caseload_get_n_items (GListModel *model)
{
  return KITH_CASELOAD (model)->pids->len;
}

static gpointer
kith_caseload_get_item (GListModel *model,
                        guint       position)
{
  KithCaseload *self = KITH_CASELOAD (model);

  if (position >= self->pids->len)
    return NULL;
  if (self->entries->pdata[position] == NULL)
    self->entries->pdata[position] = load_entry (self, g_array_index (self->pids, gint64, position));
  return g_object_ref (self->entries->pdata[position]);
}

static void
kith_caseload_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kith_caseload_get_item_type;
  iface->get_n_items = kith_caseload_get_n_items;
  iface->get_item = kith_caseload_get_item;
}

/* Entries are made on demand, so most slots are NULL. */
static void
unref_entry (gpointer entry)
{
  if (entry != NULL)
    g_object_unref (entry);
}

static void
set_today (KithCaseload *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (&self->today, 1);
  g_date_set_dmy (&self->today, g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now), g_date_time_get_year (now));
}

static void
kith_caseload_finalize (GObject *object)
{
  KithCaseload *self = (KithCaseload *) object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->coordinator, g_free);
  g_clear_pointer (&self->team, g_free);
  g_clear_pointer (&self->pids, g_array_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_caseload_parent_class)->finalize (object);
}

static void
kith_caseload_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KithCaseload *self = KITH_CASELOAD (object);

  switch (prop_id)
    {
    case PROP_QUERY:     g_value_set_string (value, self->query); break;
    case PROP_TRUNCATED: g_value_set_boolean (value, self->truncated); break;
    case PROP_N_ITEMS:   g_value_set_uint (value, self->pids->len); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_caseload_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_QUERY: kith_caseload_set_query (KITH_CASELOAD (object), g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_caseload_class_init (KithCaseloadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kith_caseload_finalize;
  object_class->get_property = kith_caseload_get_property;
  object_class->set_property = kith_caseload_set_property;

  properties[PROP_QUERY] =
    g_param_spec_string ("query", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TRUNCATED] =
    g_param_spec_boolean ("truncated", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kith_caseload_init (KithCaseload *self)
{
  self->pids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->entries = g_ptr_array_new_with_free_func (unref_entry);
  set_today (self);
}

KithCaseload *
kith_caseload_new (KithStore *store)
{
  KithCaseload *self;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  self = g_object_new (KITH_TYPE_CASELOAD, NULL);
  self->store = g_object_ref (store);
  kith_caseload_reload (self);
  return self;
}

const char *
kith_caseload_get_query (KithCaseload *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD (self), NULL);
  return self->query;
}

void
kith_caseload_set_query (KithCaseload *self,
                         const char   *query)
{
  g_return_if_fail (KITH_IS_CASELOAD (self));

  if (query && *query == '\0')
    query = NULL;
  if (g_strcmp0 (self->query, query) == 0)
    return;
  g_free (self->query);
  self->query = g_strdup (query);
  kith_caseload_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);
}

gboolean
kith_caseload_get_truncated (KithCaseload *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD (self), FALSE);
  return self->truncated;
}

void
kith_caseload_reload (KithCaseload *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) pids = NULL;
  gboolean truncated = FALSE;
  guint removed;

  g_return_if_fail (KITH_IS_CASELOAD (self));

  if (self->filters == 0)
    pids = kith_store_search_patients (self->store, self->query,
                                       self->query ? SEARCH_LIMIT : 0,
                                       &truncated, &error);
  else
    {
      KithCaseloadFilterSpec spec = {
        .filters = self->filters,
        .coordinator = self->coordinator,
        .team = self->team,
        .tiers = self->tiers,
      };

      pids = kith_store_filter_patients (self->store, self->query, &spec, NULL, &error);
      if (pids && self->query && pids->len > SEARCH_LIMIT)
        {
          g_array_set_size (pids, SEARCH_LIMIT);
          truncated = TRUE;
        }
    }
  if (pids && (self->sort != KITH_CASELOAD_SORT_NAME || self->descending) &&
      !kith_store_sort_patients (self->store, pids, self->sort, self->descending, &error))
    g_clear_pointer (&pids, g_array_unref);
  if (pids == NULL)
    {
      /* The model stays as it was; the store error is logged without any
       * personal data (the query is never logged). */
      g_warning ("Caseload search failed: %s", error->message);
      return;
    }

  set_today (self);
  removed = self->pids->len;
  g_array_unref (self->pids);
  self->pids = g_steal_pointer (&pids);
  g_ptr_array_set_size (self->entries, 0);
  g_ptr_array_set_size (self->entries, self->pids->len);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->pids->len);
  if (removed != self->pids->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  if (truncated != self->truncated)
    {
      self->truncated = truncated;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRUNCATED]);
    }
}

void
kith_caseload_set_filter (KithCaseload       *self,
                          KithCaseloadFilter  filters,
                          const char         *coordinator,
                          guint               tiers)
{
  g_return_if_fail (KITH_IS_CASELOAD (self));

  if (self->filters == filters && self->tiers == tiers && g_strcmp0 (self->coordinator, coordinator) == 0)
    return;
  self->filters = filters;
  self->tiers = tiers;
  g_free (self->coordinator);
  self->coordinator = g_strdup (coordinator);
  kith_caseload_reload (self);
}

void
kith_caseload_set_team (KithCaseload *self,
                        const char   *team)
{
  g_return_if_fail (KITH_IS_CASELOAD (self));

  if (g_strcmp0 (self->team, team) == 0)
    return;
  g_free (self->team);
  self->team = g_strdup (team);
  if (self->filters & KITH_CASELOAD_FILTER_TEAM)
    kith_caseload_reload (self);
}

void
kith_caseload_set_sort (KithCaseload     *self,
                        KithCaseloadSort  sort,
                        gboolean          descending)
{
  g_return_if_fail (KITH_IS_CASELOAD (self));

  if (self->sort == sort && self->descending == descending)
    return;
  self->sort = sort;
  self->descending = descending;
  kith_caseload_reload (self);
}

KithCaseloadFilter
kith_caseload_get_filter (KithCaseload *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD (self), 0);
  return self->filters;
}

void
kith_caseload_get_filter_counts (KithCaseload *self,
                                 guint         counts[KITH_CASELOAD_N_FILTERS])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) pids = NULL;
  KithCaseloadFilterSpec spec = { 0 };

  g_return_if_fail (KITH_IS_CASELOAD (self));

  spec.filters = self->filters;
  spec.coordinator = self->coordinator;
  spec.team = self->team;
  spec.tiers = self->tiers;
  pids = kith_store_filter_patients (self->store, self->query, &spec, counts, &error);
  if (pids == NULL)
    {
      memset (counts, 0, sizeof (guint) * KITH_CASELOAD_N_FILTERS);
      g_warning ("Caseload filter counts failed: %s", error->message);
    }
}
