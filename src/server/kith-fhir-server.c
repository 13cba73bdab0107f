/* kith-fhir-server.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KithFhirServer answers FHIR R4 REST requests (JSON) from a KithStore.
 *
 * Requests are routed through one table, `routes`, below the base path
 * /fhir. Each row names an HTTP method, a path pattern made of literal
 * segments and {type}/{id}/{vid} placeholders, the FHIR interaction it
 * implements and whether it serves resource types. The CapabilityStatement
 * is generated from the same table (and the search parameter table), so it
 * only ever lists what is really implemented. A new interaction is one
 * handler function plus one row.
 *
 * Durability and group commit. Every request that touches the store runs
 * inside one shared store transaction, the "batch", and its reply is held
 * (the message is paused) until that transaction has committed. The batch
 * commits when the main loop has nothing else to do, or at once when it
 * holds KITH_FHIR_SERVER_BATCH_MAX replies or is KITH_FHIR_SERVER_BATCH_MAX_AGE
 * old. So under load one fsync covers many writes, yet no reply ever reports
 * anything that is not on disk: a 2xx answer to a write means the write is
 * durable, and a read never shows a version that could still be lost. Each
 * write runs in its own savepoint, so a failing request undoes only itself.
 * When the batch itself fails to commit, every held reply becomes a 503 and
 * clients retry (retries are harmless: see kith_store_query_update()).
 *
 * Versions and time. lastUpdated is set by the store from the wall clock,
 * in milliseconds. History is newest first; _since is inclusive
 * (lastUpdated >= _since). Paging uses an opaque cursor in the next link
 * (the last version handed out, and the instant the walk began): a page
 * continues strictly after the previous one, so a walk sees each version
 * that existed when it began exactly once, even while others write. Versions
 * written during the walk are newer than its start and come with the next
 * sync, which should use Bundle.meta.lastUpdated (the walk's start, the same
 * on every page) minus a small overlap as its _since.
 *
 * Who asks. Every request below the base but GET metadata needs a bearer
 * token (Authorization: Bearer …) from POST /auth/token, which checks a
 * user name and password (kith-server-auth.c). Without a valid token the
 * answer is 401 with WWW-Authenticate: Bearer. Password checks (Argon2id,
 * about 0.15 s and 64 MiB each) run on worker threads, at most two at a
 * time, so the main loop keeps serving. An unknown user name is checked
 * against a dummy hash, so it takes as long and reads the same as a wrong
 * password. Failed sign-ins are limited per user name and per address.
 *
 * Who sees what. Beyond a person's demographics, their record is for
 * their care team and whom their Consent allows, or for a limited time
 * through break-glass (kith-server-access.c; the rules and shapes are in
 * src/core/GOVERNANCE.md). A read of something refused is 403 in words;
 * searches and history show a stub in its place, or leave it out and say
 * how many; writes need the same access as reads.
 *
 * Audit. Each request that touches the store, and each sign-in, appends an
 * AuditEvent (kith-server-audit.c) in the batch, inside a savepoint with
 * the request's own work: if the event cannot be written, the work is
 * undone and the answer is 503, so nothing is done unrecorded.
 */

#define G_LOG_DOMAIN "kith-server"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include <sodium.h>

#include "kith-consent.h"
#include "kith-fhir.h"
#include "kith-fhir-server.h"
#include "kith-server-access.h"
#include "kith-server-audit.h"
#include "kith-server-auth.h"
#include "kith-server-params.h"
#include "kith-server-response.h"
#include "kith-server-transaction.h"
#include "kith-store-query.h"

/* Longer raw paths are refused with 414 before any other work. */
#define KITH_FHIR_SERVER_MAX_PATH          2048
/* No route has more segments than this below the base. */
#define KITH_FHIR_SERVER_MAX_SEGMENTS      8
/* Larger request bodies are refused with 413 without being kept. */
#define KITH_FHIR_SERVER_MAX_BODY          (5 * 1024 * 1024)
/* Group commit: the most replies held, and the longest a batch stays open
 * while requests keep coming. */
#define KITH_FHIR_SERVER_BATCH_MAX         64
#define KITH_FHIR_SERVER_BATCH_MAX_AGE     (50 * G_TIME_SPAN_MILLISECOND)
/* _count for history and search. */
#define KITH_FHIR_SERVER_DEFAULT_COUNT     100
#define KITH_FHIR_SERVER_MAX_COUNT         1000
/* Sign-in bodies are small; larger ones are refused unread. */
#define KITH_FHIR_SERVER_MAX_SIGN_IN_BODY  4096
/* Password checks run at once (each holds 64 MiB), and wait in line. */
#define KITH_FHIR_SERVER_MAX_CHECKING      2
#define KITH_FHIR_SERVER_MAX_WAITING       64
/* libsoup 3.2 has no name for it. */
#define HTTP_TOO_MANY_REQUESTS             429

G_STATIC_ASSERT (KITH_FHIR_SERVER_MAX_COUNT < KITH_STORE_QUERY_MAX_LIMIT);

struct _KithFhirServer
{
  GObject     parent_instance;

  KithStore  *store;
  SoupServer *soup_server;
  char       *base_url;
  guint16     port;

  /* Built once when listening starts: it names the listen address. */
  JsonObject *capability_statement;

  /* Group commit; see the top of this file. */
  gboolean    batch_open;
  gint64      batch_started;
  GPtrArray  *batch_held;       /* SoupServerMessage whose replies wait for the commit */
  guint       batch_commit_id;

  /* Who asks, and what they did */
  GTlsCertificate   *tls_certificate;
  char              *public_base_url;
  gint64             token_lifetime;   /* seconds */
  gboolean           audit;
  gboolean           access_checks;    /* off only for benchmarks, in development builds */
  gint64             break_glass_lifetime;   /* seconds */
  KithSignInLimiter *limiter;
  char              *dummy_hash;       /* checked for unknown user names */
  guint              checking;         /* password checks on worker threads */
  GQueue             sign_ins_waiting; /* SignIn */
};

/* One POST /auth/token while its password is checked. */
typedef struct
{
  SoupServerMessage *msg;
  char              *username;
  char              *password;   /* wiped when freed */
  char              *address;
  char              *hash;       /* the user's, or the dummy */
  KithServerUser    *user;       /* NULL for an unknown name */
  gboolean           verified;
} SignIn;

/* What a matched route hands to its interaction. Every string here is
 * percent-decoded. @type is a served FHIR resource type; @id and @vid are
 * unchecked (each interaction validates them). */
typedef struct
{
  const char *type;
  const char *id;
  const char *vid;
} KithRouteMatch;

typedef void (*KithInteractionFunc) (KithFhirServer       *self,
                                     SoupServerMessage    *msg,
                                     const KithRouteMatch *match);

typedef struct
{
  const char          *method;
  const char          *pattern;       /* below KITH_FHIR_SERVER_BASE_PATH */
  const char          *interaction;   /* CapabilityStatement code, NULL if none */
  const char          *documentation; /* for the CapabilityStatement */
  gboolean             typed;         /* has {type}: serves kith_server_served_types() */
  gboolean             uses_store;    /* runs in the batch; its reply waits for the commit */
  KithInteractionFunc  handle;
} KithRoute;

/* A search parameter of the search-type interaction. */
typedef struct
{
  const char         *name;
  const char         *type;           /* FHIR SearchParamType */
  const char         *documentation;
  const char * const *types;          /* the resource types it applies to, NULL for all */
} KithSearchParam;

/* Per-request bookkeeping for the access log and the audit trail. */
typedef struct
{
  gint64      started_at;
  char       *log_path;   /* the route with only the resource type filled in */

  /* Who asked (from the bearer token), and what the request touched */
  gint64      user_id;
  char       *user_name;
  char       *role;
  KithAccess *access;     /* what they may see; kith-server-access.c */
  GPtrArray  *entities;   /* "Type/id/_history/n" (char *) */
  GHashTable *patients;   /* a set of Patient ids */

  /* The AuditEvent's kind when the route's interaction does not say
   * (break-glass, export, print), and why */
  const char *subtype;
  char       *reason;
  gboolean    for_review;
  char       *detail;

  /* What was refused: the answer's own refusal, or entries of a search
   * or history that were withheld (stubs) or left out */
  guint       n_withheld;
  guint       n_restricted;
  guint       n_left_out;
  GHashTable *refused_patients;   /* a set of Patient ids */
} KithRequestInfo;

#define KITH_REQUEST_INFO_KEY "kith-fhir-server-request-info"

static void handle_capabilities (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_transaction  (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_history      (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_search       (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_read         (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_update       (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_delete       (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_vread        (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_break_glass  (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_audit_search (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_audit_create (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);

#define HISTORY_DOCUMENTATION \
  "Newest first. _since keeps versions with lastUpdated at or after it (inclusive). " \
  "_count is 100 by default and at most 1000. Follow the next link to page: it holds a " \
  "cursor, so a walk sees every version that existed when it began exactly once, even " \
  "while others write. Bundle.meta.lastUpdated is the instant the walk began, the same on " \
  "every page: use it, minus a small overlap, as the next _since."

/* Routes sharing a pattern must be adjacent. Put routes with literal
 * segments (such as "_history") before placeholder-only ones. */
static const KithRoute routes[] = {
  { "GET", "metadata", NULL, NULL, FALSE, FALSE, handle_capabilities },
  { "POST", "", "transaction",
    "Atomic: one failing entry rolls back every entry, and the answer is that entry's "
    "status with an OperationOutcome naming it (Bundle.entry[n]). Entries may be GET "
    "(read, vread), PUT (update or create, optional request.ifMatch) and DELETE (optional "
    "request.ifMatch); DELETEs run first, then PUTs, then GETs. POST entries, conditional "
    "URLs and batch Bundles are not supported.",
    FALSE, TRUE, handle_transaction },
  { "GET", "_history", "history-system", HISTORY_DOCUMENTATION, FALSE, TRUE, handle_history },
  /* Governance (GOVERNANCE.md); listed in the CapabilityStatement by
   * add_governance_capabilities(). */
  { "POST", "Patient/{id}/$break-glass", NULL, NULL, FALSE, TRUE, handle_break_glass },
  { "GET", "AuditEvent", NULL, NULL, FALSE, TRUE, handle_audit_search },
  { "POST", "AuditEvent", NULL, NULL, FALSE, TRUE, handle_audit_create },
  { "GET", "{type}/_history", "history-type", HISTORY_DOCUMENTATION, TRUE, TRUE, handle_history },
  { "GET", "{type}", "search-type",
    "Current, not deleted resources, oldest lastUpdated first, then by id; paged by next "
    "links that hold a cursor. Parameters this server does not support are refused with 400.",
    TRUE, TRUE, handle_search },
  { "GET", "{type}/{id}", "read", NULL, TRUE, TRUE, handle_read },
  { "PUT", "{type}/{id}", "update",
    "Ids are assigned by the client, so an update creates a missing resource (201). With "
    "If-Match: W/\"n\" it only applies when n is the current version, and answers 412 "
    "otherwise. Without If-Match the last write wins. A body equal to the current version "
    "(meta aside) is answered with that version and stores nothing, so a retry is harmless. "
    "The server sets meta.versionId and meta.lastUpdated.",
    TRUE, TRUE, handle_update },
  { "DELETE", "{type}/{id}", "delete",
    "Records a deletion, which history lists. Deleting an absent or deleted resource "
    "succeeds. If-Match is honoured.",
    TRUE, TRUE, handle_delete },
  { "GET", "{type}/{id}/_history", "history-instance", HISTORY_DOCUMENTATION, TRUE, TRUE,
    handle_history },
  { "GET", "{type}/{id}/_history/{vid}", "vread", NULL, TRUE, TRUE, handle_vread },
};

/* The types FHIR R4 gives a "patient" search parameter, and whose patient
 * the store indexes (kith_fhir_resource_patient()). */
static const char * const patient_search_types[] = {
  "CarePlan", "CareTeam", "Communication", "Condition", "Consent", "Encounter", "EpisodeOfCare",
  "Flag", "Goal", "MedicationRequest", "MedicationStatement", "Observation", "QuestionnaireResponse",
  "RelatedPerson", "RiskAssessment", "ServiceRequest", "Task",
  NULL
};

static const KithSearchParam search_params[] = {
  { "patient", "reference",
    "The person the record belongs to: Patient/[id] or [id]. Includes a carer's records "
    "filed with the person they care for.",
    patient_search_types },
  { "_lastUpdated", "date",
    "Prefixes eq (the default), ge, gt, le and lt; an instant with a time zone, or a date "
    "(a UTC day). May be repeated to give a range.",
    NULL },
  { "_count", "number", "Page size: 100 by default, at most 1000.", NULL },
  { "_sort", "special", "Only _lastUpdated (ascending), which is also the default order.", NULL },
};

G_DEFINE_QUARK (kith-fhir-server-error-quark, kith_fhir_server_error)

G_DEFINE_FINAL_TYPE (KithFhirServer, kith_fhir_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kith_request_info_free (gpointer data)
{
  KithRequestInfo *info = data;

  g_free (info->log_path);
  g_free (info->user_name);
  g_free (info->role);
  g_clear_pointer (&info->access, kith_access_free);
  g_clear_pointer (&info->entities, g_ptr_array_unref);
  g_clear_pointer (&info->patients, g_hash_table_unref);
  g_free (info->reason);
  g_free (info->detail);
  g_clear_pointer (&info->refused_patients, g_hash_table_unref);
  g_free (info);
}

static KithRequestInfo *
get_request_info (SoupServerMessage *msg)
{
  KithRequestInfo *info;

  info = g_object_get_data (G_OBJECT (msg), KITH_REQUEST_INFO_KEY);
  if (info == NULL)
    {
      info = g_new0 (KithRequestInfo, 1);
      info->started_at = g_get_monotonic_time ();
      g_object_set_data_full (G_OBJECT (msg), KITH_REQUEST_INFO_KEY, info,
                              kith_request_info_free);
    }

  return info;
}

/* For the audit trail: @type/@id (at @version_id when not NULL) was
 * touched. */
static void
note_entity (SoupServerMessage *msg,
             const char        *type,
             const char        *id,
             const char        *version_id)
{
  KithRequestInfo *info = get_request_info (msg);

  if (info->entities == NULL)
    info->entities = g_ptr_array_new_with_free_func (g_free);
  if (version_id != NULL)
    g_ptr_array_add (info->entities, g_strdup_printf ("%s/%s/_history/%s", type, id, version_id));
  else
    g_ptr_array_add (info->entities, g_strdup_printf ("%s/%s", type, id));
}

/* For the audit trail: the request touched @patient_id's record. */
static void
note_patient (SoupServerMessage *msg,
              const char        *patient_id)
{
  KithRequestInfo *info = get_request_info (msg);

  if (patient_id == NULL)
    return;
  if (info->patients == NULL)
    info->patients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!g_hash_table_contains (info->patients, patient_id))
    g_hash_table_add (info->patients, g_strdup (patient_id));
}

/* The person @resource belongs to (or is). */
static void
note_resource_patient (SoupServerMessage *msg,
                       JsonObject        *resource)
{
  if (resource == NULL)
    return;
  if (g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "Patient") == 0)
    note_patient (msg, kith_fhir_get_string (resource, "id"));
  else
    note_patient (msg, kith_fhir_resource_patient (resource));
}

/* For the audit trail: part of @patient_id's record was refused
 * (@decision), shown as a stub when @stubbed, else left out. @link names
 * the person in the refusal's AuditEvent: not for someone outside their
 * care team who only walked the whole practice's history. */
static void
note_refusal (SoupServerMessage  *msg,
              const char         *patient_id,
              KithAccessDecision  decision,
              gboolean            stubbed,
              gboolean            link)
{
  KithRequestInfo *info = get_request_info (msg);

  if (!stubbed)
    info->n_left_out++;
  else if (decision == KITH_ACCESS_DENY_WITHHELD_BY_PERSON)
    info->n_withheld++;
  else
    info->n_restricted++;

  if (patient_id == NULL || !(link || stubbed))
    return;
  if (info->refused_patients == NULL)
    info->refused_patients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!g_hash_table_contains (info->refused_patients, patient_id))
    g_hash_table_add (info->refused_patients, g_strdup (patient_id));
}

/* 403 for the whole request, in words: the request's own AuditEvent is
 * then the refusal, naming the person. */
static void
respond_refused (SoupServerMessage  *msg,
                 const char         *patient_id,
                 KithAccessDecision  decision)
{
  KithRequestInfo *info = get_request_info (msg);
  const char *why = kith_access_decision_describe (decision);

  g_free (info->detail);
  info->detail = g_strdup (why);
  note_patient (msg, patient_id);
  kith_server_respond_outcome (msg, SOUP_STATUS_FORBIDDEN, KITH_ISSUE_FORBIDDEN, why);
}

/* The request's access checks; every request that reaches the store has
 * signed in. */
static KithAccess *
request_access (SoupServerMessage *msg)
{
  KithRequestInfo *info = get_request_info (msg);

  g_assert (info->access != NULL);
  return info->access;
}

/* Records the path for the access log. Only the route shape and a known
 * resource type are kept: ids and anything a client typed stay out of logs. */
static void
set_log_path (SoupServerMessage *msg,
              const char        *pattern,
              const char        *type)
{
  KithRequestInfo *info = get_request_info (msg);
  g_autofree char *path = NULL;

  if (pattern == NULL && type != NULL)
    path = g_strconcat (KITH_FHIR_SERVER_BASE_PATH "/", type, "/(unmatched)", NULL);
  else if (pattern == NULL)
    path = g_strdup ("(unmatched)");
  else if (pattern[0] == '\0')
    path = g_strdup (KITH_FHIR_SERVER_BASE_PATH);
  else
    path = g_strconcat (KITH_FHIR_SERVER_BASE_PATH "/", pattern, NULL);

  if (pattern != NULL && type != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (path, "{type}", 2);

      if (parts[0] != NULL && parts[1] != NULL)
        {
          g_free (path);
          path = g_strconcat (parts[0], type, parts[1], NULL);
        }
    }

  g_free (info->log_path);
  info->log_path = g_steal_pointer (&path);
}

static gboolean
route_serves (const KithRoute *route,
              const char      *type)
{
  return route->typed && kith_server_serves_type (type);
}

static gboolean
type_has_interaction (const char *type,
                      const char *interaction)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (g_strcmp0 (routes[i].interaction, interaction) == 0 && route_serves (&routes[i], type))
      return TRUE;

  return FALSE;
}

static gboolean
search_param_applies (const KithSearchParam *param,
                      const char            *type)
{
  return param->types == NULL || g_strv_contains (param->types, type);
}

static void add_string_member (JsonBuilder *builder,
                               const char  *name,
                               const char  *value);

static void
add_interaction (JsonBuilder *builder,
                 const char  *code,
                 const char  *documentation)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  if (documentation != NULL)
    {
      json_builder_set_member_name (builder, "documentation");
      json_builder_add_string_value (builder, documentation);
    }
  json_builder_end_object (builder);
}

/* One rest.resource entry: what the route table offers for @type. */
static void
add_type_capabilities (JsonBuilder *builder,
                       const char  *type)
{
  gboolean has_update = type_has_interaction (type, "update");
  gboolean has_vread = type_has_interaction (type, "vread");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);

  json_builder_set_member_name (builder, "interaction");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (routes[i].interaction != NULL && route_serves (&routes[i], type))
        add_interaction (builder, routes[i].interaction, routes[i].documentation);
    }
  json_builder_end_array (builder);

  /* Every version is kept and readable, and updates honour If-Match. */
  json_builder_set_member_name (builder, "versioning");
  json_builder_add_string_value (builder, has_update && has_vread ? "versioned-update"
                                          : has_vread ? "versioned" : "no-version");
  json_builder_set_member_name (builder, "readHistory");
  json_builder_add_boolean_value (builder, has_vread);
  json_builder_set_member_name (builder, "updateCreate");
  json_builder_add_boolean_value (builder, has_update);
  json_builder_set_member_name (builder, "conditionalCreate");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "conditionalRead");
  json_builder_add_string_value (builder, "not-supported");
  json_builder_set_member_name (builder, "conditionalUpdate");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "conditionalDelete");
  json_builder_add_string_value (builder, "not-supported");

  if (g_str_equal (type, "Patient"))
    {
      json_builder_set_member_name (builder, "operation");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      add_string_member (builder, "name", "break-glass");
      add_string_member (builder, "definition",
                         "https://kith.example/fhir/OperationDefinition/break-glass");
      add_string_member (builder, "documentation",
                         "POST Patient/[id]/$break-glass with Parameters (reason: valueString, at "
                         "least 10 characters): emergency access to the whole record for a limited "
                         "time, recorded and flagged for the team lead's review.");
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }

  if (type_has_interaction (type, "search-type"))
    {
      json_builder_set_member_name (builder, "searchParam");
      json_builder_begin_array (builder);
      for (guint i = 0; i < G_N_ELEMENTS (search_params); i++)
        {
          if (!search_param_applies (&search_params[i], type))
            continue;
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, search_params[i].name);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, search_params[i].type);
          json_builder_set_member_name (builder, "documentation");
          json_builder_add_string_value (builder, search_params[i].documentation);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
}

/* AuditEvent is written by the server only, and read back by leads and
 * administrators (GOVERNANCE.md). */
static void
add_audit_capabilities (JsonBuilder *builder)
{
  static const struct { const char *name, *type, *documentation; } params[] = {
    { "type", "token", "break-glass: the break-glass events a team lead (their team's) or an "
                       "administrator (everyone's) reviews" },
    { "patient", "reference", "Everything done with one person's record (administrators)" },
  };

  json_builder_begin_object (builder);
  add_string_member (builder, "type", "AuditEvent");
  json_builder_set_member_name (builder, "interaction");
  json_builder_begin_array (builder);
  add_interaction (builder, "search-type", NULL);
  add_interaction (builder, "create",
                   "Only to report an export or a print of a person's record (subtype code export "
                   "or print, entity.what Patient/[id]); who, when and from where are the server's.");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "searchParam");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    {
      json_builder_begin_object (builder);
      add_string_member (builder, "name", params[i].name);
      add_string_member (builder, "type", params[i].type);
      add_string_member (builder, "documentation", params[i].documentation);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static JsonObject *
build_capability_statement (KithFhirServer *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *date = kith_fhir_now_instant ();
  const char * const *types = kith_server_served_types ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resourceType");
  json_builder_add_string_value (builder, "CapabilityStatement");
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "active");
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, date);
  json_builder_set_member_name (builder, "publisher");
  json_builder_add_string_value (builder, "The Kith developers");
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "instance");

  json_builder_set_member_name (builder, "software");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "Kith server");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "implementation");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, "Kith practice server");
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, self->base_url);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "fhirVersion");
  json_builder_add_string_value (builder, "4.0.1");
  json_builder_set_member_name (builder, "format");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "json");
  json_builder_add_string_value (builder, "application/fhir+json");
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "rest");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, "server");
  json_builder_set_member_name (builder, "documentation");
  json_builder_add_string_value (builder,
    "JSON only. Every resource answer carries ETag: W/\"versionId\" and Last-Modified. A reply "
    "to a write is only sent once the write is on disk. Request bodies are limited to 5 MB.");

  json_builder_set_member_name (builder, "security");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cors");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "description");
  {
    g_autofree char *text =
      g_strdup_printf ("Every interaction but this CapabilityStatement needs Authorization: "
                       "Bearer <token>. POST " KITH_FHIR_SERVER_TOKEN_PATH " on this server "
                       "(form or JSON: username, password) answers with an access_token that "
                       "lasts %" G_GINT64_FORMAT " seconds. Every read and write is recorded "
                       "in an audit trail. A person's record beyond their demographics is for "
                       "their care team and whom their Consent allows; what is withheld shows "
                       "as a stub (meta.security REDACTED) or is counted in an OperationOutcome "
                       "(issue code suppressed), and a direct read answers 403.",
                       self->token_lifetime);

    json_builder_add_string_value (builder, text);
  }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "resource");
  json_builder_begin_array (builder);
  for (guint i = 0; types[i] != NULL; i++)
    {
      g_assert (kith_fhir_is_known_type (types[i]));
      add_type_capabilities (builder, types[i]);
    }
  add_audit_capabilities (builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "interaction");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (routes[i].interaction != NULL && !routes[i].typed)
        add_interaction (builder, routes[i].interaction, routes[i].documentation);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);

  return json_object_ref (json_node_get_object (root));
}

/* Splits the raw (still percent-encoded) path below the base into decoded
 * segments. Returns NULL and sets @status/@diagnostics when the path cannot
 * be a FHIR path at all. */
static GStrv
split_fhir_path (const char  *raw_path,
                 guint       *status,
                 const char **code,
                 const char **diagnostics)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  const char *rest;
  const char *p;
  guint n_segments = 0;

  if (strlen (raw_path) > KITH_FHIR_SERVER_MAX_PATH)
    {
      *status = SOUP_STATUS_REQUEST_URI_TOO_LONG;
      *code = "too-long";
      *diagnostics = "The request path is too long";
      return NULL;
    }

  builder = g_strv_builder_new ();

  /* The base itself, with or without a slash, has no segments. */
  if (g_str_equal (raw_path, KITH_FHIR_SERVER_BASE_PATH) ||
      g_str_equal (raw_path, KITH_FHIR_SERVER_BASE_PATH "/"))
    return g_strv_builder_end (builder);

  if (!g_str_has_prefix (raw_path, KITH_FHIR_SERVER_BASE_PATH "/"))
    {
      *status = SOUP_STATUS_NOT_FOUND;
      *code = KITH_ISSUE_NOT_FOUND;
      *diagnostics = "FHIR endpoints live under " KITH_FHIR_SERVER_BASE_PATH "/";
      return NULL;
    }

  rest = raw_path + strlen (KITH_FHIR_SERVER_BASE_PATH "/");
  p = rest;
  for (;;)
    {
      const char *end = strchr (p, '/');
      g_autofree char *segment = NULL;

      if (end == NULL)
        end = p + strlen (p);

      if (++n_segments > KITH_FHIR_SERVER_MAX_SEGMENTS)
        {
          *status = SOUP_STATUS_NOT_FOUND;
          *code = KITH_ISSUE_NOT_FOUND;
          *diagnostics = "No FHIR endpoint has that path";
          return NULL;
        }

      /* NULL on bad escapes, an escaped NUL, or an escaped '/'. */
      segment = g_uri_unescape_segment (p, end, "/");
      if (segment == NULL || !g_utf8_validate (segment, -1, NULL))
        {
          *status = SOUP_STATUS_BAD_REQUEST;
          *code = KITH_ISSUE_INVALID;
          *diagnostics = "The request path is not validly encoded";
          return NULL;
        }
      if (segment[0] == '\0' || g_str_equal (segment, ".") || g_str_equal (segment, ".."))
        {
          *status = SOUP_STATUS_BAD_REQUEST;
          *code = KITH_ISSUE_INVALID;
          *diagnostics = "The request path has an empty, '.' or '..' segment";
          return NULL;
        }

      g_strv_builder_add (builder, segment);

      if (*end == '\0')
        break;
      p = end + 1;
    }

  return g_strv_builder_end (builder);
}

/* Matches @segments against @pattern, filling @match. Placeholders never
 * take a segment starting with '_' or '$': those are FHIR keywords and
 * operations, which get their own literal routes. */
static gboolean
route_matches (const char     *pattern,
               const char    **segments,
               KithRouteMatch *match)
{
  g_auto(GStrv) parts = g_strsplit (pattern, "/", -1);
  KithRouteMatch found = { NULL, NULL, NULL };
  guint i;

  for (i = 0; parts[i] != NULL; i++)
    {
      const char *segment = segments[i];

      if (segment == NULL)
        return FALSE;

      if (parts[i][0] != '{')
        {
          if (!g_str_equal (parts[i], segment))
            return FALSE;
          continue;
        }

      if (segment[0] == '_' || segment[0] == '$')
        return FALSE;

      if (g_str_equal (parts[i], "{type}"))
        found.type = segment;
      else if (g_str_equal (parts[i], "{id}"))
        found.id = segment;
      else if (g_str_equal (parts[i], "{vid}"))
        found.vid = segment;
      else
        g_assert_not_reached ();
    }

  if (segments[i] != NULL)
    return FALSE;

  *match = found;
  return TRUE;
}

/* --- group commit -------------------------------------------------------- */

/* Replaces a held reply when its batch could not be committed: whatever
 * it said, it may describe something that is not on disk. */
static void
respond_batch_failed (SoupServerMessage *msg,
                      const GError      *error)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_remove (headers, "ETag");
  soup_message_headers_remove (headers, "Last-Modified");
  soup_message_headers_remove (headers, "Location");
  soup_message_headers_remove (headers, "Content-Location");

  if (error != NULL)
    kith_server_respond_error (msg, error, NULL);
  else
    {
      soup_message_headers_replace (headers, "Retry-After", "1");
      kith_server_respond_outcome (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, KITH_ISSUE_TRANSIENT,
                                   "The change could not be saved; nothing was applied. "
                                   "Try again");
    }
}

/* Ends the batch, committing it when @commit, and releases the held
 * replies: as they were when the commit succeeded, as 503 otherwise. */
static void
batch_finish (KithFhirServer *self,
              gboolean        commit)
{
  g_autoptr(GPtrArray) held = NULL;
  g_autoptr(GError) error = NULL;
  gboolean committed = FALSE;

  g_clear_handle_id (&self->batch_commit_id, g_source_remove);
  if (!self->batch_open)
    return;

  held = g_steal_pointer (&self->batch_held);
  self->batch_held = g_ptr_array_new_with_free_func (g_object_unref);
  self->batch_open = FALSE;

  /* sqlite ends a transaction by itself after some failures (disk full,
   * I/O errors); what the batch did is gone then. */
  if (commit && kith_store_query_in_transaction (self->store))
    {
      committed = kith_store_commit (self->store, &error);
      if (!committed)
        g_warning ("Could not commit %u requests: %s", held->len, error->message);
    }
  else
    {
      if (commit)
        g_warning ("The store ended a transaction of %u requests by itself", held->len);
      kith_store_rollback (self->store);
    }

  for (guint i = 0; i < held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (held, i);

      if (!committed)
        respond_batch_failed (msg, error);
      soup_server_message_unpause (msg);
    }
}

static gboolean
on_batch_commit_cb (gpointer user_data)
{
  KithFhirServer *self = KITH_FHIR_SERVER (user_data);

  self->batch_commit_id = 0;
  batch_finish (self, TRUE);

  return G_SOURCE_REMOVE;
}

/* Opens the batch if none is open. FALSE after answering when the store
 * cannot start a transaction. */
static gboolean
batch_join (KithFhirServer    *self,
            SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;

  if (self->batch_open)
    return TRUE;

  if (!kith_store_begin (self->store, &error))
    {
      kith_server_respond_error (msg, error, NULL);
      return FALSE;
    }
  self->batch_open = TRUE;
  self->batch_started = g_get_monotonic_time ();

  return TRUE;
}

/* Holds @msg's reply until the batch commits; @paused when the message
 * is paused already. */
static void
batch_hold (KithFhirServer    *self,
            SoupServerMessage *msg,
            gboolean           paused)
{
  g_assert (self->batch_open);

  g_ptr_array_add (self->batch_held, g_object_ref (msg));
  if (!paused)
    soup_server_message_pause (msg);

  if (!kith_store_query_in_transaction (self->store))
    batch_finish (self, FALSE);
  else if (self->batch_held->len >= KITH_FHIR_SERVER_BATCH_MAX ||
           g_get_monotonic_time () - self->batch_started >= KITH_FHIR_SERVER_BATCH_MAX_AGE)
    batch_finish (self, TRUE);
  else if (self->batch_commit_id == 0)
    self->batch_commit_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_batch_commit_cb,
                                             self, NULL);
}

/* --- who asks -------------------------------------------------------------- */

/* The one FHIR endpoint anyone may read: it says how to sign in. */
static gboolean
is_public_request (const char *method,
                   const char *raw_path)
{
  return g_str_equal (raw_path, KITH_FHIR_SERVER_BASE_PATH "/metadata") &&
         (g_strcmp0 (method, SOUP_METHOD_GET) == 0 || g_strcmp0 (method, SOUP_METHOD_HEAD) == 0);
}

/* TRUE when @msg carries a bearer token the server gave out, still valid,
 * to a user still enabled; the user is noted for the audit trail.
 * Otherwise answers 401. */
static gboolean
authenticate (KithFhirServer    *self,
              SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(KithServerUser) user = NULL;
  g_autoptr(GError) error = NULL;
  KithRequestInfo *info;
  const char *token = NULL;

  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    {
      token = authorization + 7;
      while (*token == ' ')
        token++;
    }
  if (token != NULL && *token != '\0')
    user = kith_server_token_check (self->store, token, &error);
  if (error != NULL)
    {
      kith_server_respond_error (msg, error, NULL);
      return FALSE;
    }
  if (user == NULL)
    {
      SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

      /* RFC 6750: say how to authenticate, and whether the token failed. */
      if (token == NULL)
        {
          soup_message_headers_replace (response, "WWW-Authenticate", "Bearer realm=\"kith\"");
          kith_server_respond_outcome (msg, SOUP_STATUS_UNAUTHORIZED, KITH_ISSUE_LOGIN,
                                       "Sign in first: POST " KITH_FHIR_SERVER_TOKEN_PATH
                                       " gives a token, to send as Authorization: Bearer <token>");
        }
      else
        {
          soup_message_headers_replace (response, "WWW-Authenticate",
                                        "Bearer realm=\"kith\", error=\"invalid_token\"");
          kith_server_respond_outcome (msg, SOUP_STATUS_UNAUTHORIZED, KITH_ISSUE_LOGIN,
                                       "The token is unknown, has expired or has been revoked: "
                                       "sign in again");
        }
      return FALSE;
    }

  info = get_request_info (msg);
  info->user_id = user->id;
  g_free (info->user_name);
  info->user_name = g_strdup (user->username);
  g_free (info->role);
  info->role = g_strdup (user->role);
  g_clear_pointer (&info->access, kith_access_free);
  info->access = kith_access_new (self->store, user, self->access_checks,
                                  g_get_real_time () / 1000);
  return TRUE;
}

/* --- the audit trail ------------------------------------------------------- */

/* AuditEvent.action for an interaction that answered @status. */
static char
audit_action (const char *interaction,
              guint       status)
{
  if (interaction == NULL)
    return 'E';
  if (g_str_equal (interaction, "export") || g_str_equal (interaction, "print"))
    return 'R';
  if (g_str_equal (interaction, "break-glass"))
    return 'E';
  if (g_str_equal (interaction, "update"))
    return status == SOUP_STATUS_CREATED ? 'C' : 'U';
  if (g_str_equal (interaction, "delete"))
    return 'D';
  if (g_str_equal (interaction, "search-type") || g_str_equal (interaction, "transaction"))
    return 'E';
  return 'R';
}

/* "GET Patient/123?_count=5": the request as it came, below the base. */
static char *
describe_request (SoupServerMessage *msg,
                  const char        *raw_path)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;
  const char *path = raw_path + strlen (KITH_FHIR_SERVER_BASE_PATH);

  while (*path == '/')
    path++;

  return g_strdup_printf ("%s %s%s%s", soup_server_message_get_method (msg),
                          *path != '\0' ? path : "[base]",
                          query != NULL ? "?" : "", query != NULL ? query : "");
}

/* Appends @msg's AuditEvent, for a request that ran @route. */
static gboolean
audit_request (KithFhirServer     *self,
               SoupServerMessage  *msg,
               const KithRoute    *route,
               const char         *raw_path,
               GError            **error)
{
  KithRequestInfo *info = get_request_info (msg);
  g_autofree char *what = describe_request (msg, raw_path);
  g_autofree char *entities = NULL;
  g_autofree char *detail = NULL;
  guint status = soup_server_message_get_status (msg);
  const char *subtype = info->subtype != NULL ? info->subtype : route->interaction;
  KithAuditRecord record = { 0 };

  if (info->entities != NULL && info->entities->len > 0)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) refs = NULL;

      for (guint i = 0; i < info->entities->len; i++)
        g_strv_builder_add (builder, g_ptr_array_index (info->entities, i));
      refs = g_strv_builder_end (builder);
      entities = g_strjoinv (" ", refs);
    }

  if (info->access != NULL && kith_access_used_break_glass (info->access))
    detail = g_strconcat (info->detail != NULL ? info->detail : "", info->detail != NULL ? "; " : "",
                          "under break-glass", NULL);
  else
    detail = g_strdup (info->detail);

  record.sign_in = FALSE;
  record.subtype = subtype != NULL ? subtype : "operation";
  record.action = audit_action (subtype, status);
  record.status = status;
  record.user_id = info->user_id;
  record.user_name = info->user_name;
  record.role = info->role;
  record.address = soup_server_message_get_remote_host (msg);
  record.what = what;
  record.entities = entities;
  record.detail = detail;
  record.reason = info->reason;
  record.for_review = info->for_review;
  record.patients = info->patients;

  if (!kith_server_audit_write (self->store, &record, error))
    return FALSE;

  /* What a search or history answered with a stub or left out is a
   * refusal too, recorded beside what was shown. */
  if (status < 400 && info->n_withheld + info->n_restricted + info->n_left_out > 0)
    {
      g_autofree char *refused = NULL;
      GString *words = g_string_new (NULL);

      if (info->n_withheld > 0)
        g_string_append_printf (words, "%u withheld at the person's request", info->n_withheld);
      if (info->n_restricted > 0)
        g_string_append_printf (words, "%s%u restricted", words->len > 0 ? ", " : "",
                                info->n_restricted);
      if (info->n_left_out > 0)
        g_string_append_printf (words, "%s%u left out: not in the care team",
                                words->len > 0 ? ", " : "", info->n_left_out);
      refused = g_string_free (words, FALSE);

      record.status = SOUP_STATUS_FORBIDDEN;
      record.entities = NULL;
      record.detail = refused;
      record.reason = NULL;
      record.for_review = FALSE;
      record.patients = info->refused_patients;
      if (!kith_server_audit_write (self->store, &record, error))
        return FALSE;
    }
  return TRUE;
}

/* Ends the savepoint around an audited request: kept with its AuditEvent,
 * or undone (and answered 503) when the event cannot be written. */
static void
finish_audited (KithFhirServer    *self,
                SoupServerMessage *msg,
                const KithRoute   *route,
                const char        *raw_path)
{
  g_autoptr(GError) error = NULL;

  if (!audit_request (self, msg, route, raw_path, &error))
    {
      g_warning ("Could not write to the audit trail: %s", error->message);
      kith_store_rollback (self->store);
      respond_batch_failed (msg, NULL);
      return;
    }
  /* A failed release undoes the savepoint by itself. */
  if (!kith_store_commit (self->store, &error))
    {
      g_warning ("Could not keep a request with its audit record: %s", error->message);
      respond_batch_failed (msg, NULL);
    }
}

/* --- routing --------------------------------------------------------------- */

static void
route_request (KithFhirServer    *self,
               SoupServerMessage *msg,
               const char        *raw_path)
{
  g_auto(GStrv) segments = NULL;
  g_autoptr(GString) allow = NULL;
  const char *method = soup_server_message_get_method (msg);
  const KithRoute *handler = NULL;
  const char *pattern = NULL;
  const char *known_type = NULL;
  KithRouteMatch match = { NULL, NULL, NULL };
  const char *code = NULL;
  const char *diagnostics = NULL;
  guint status = 0;

  /* Everything below the base but the CapabilityStatement needs a token. */
  if ((g_str_equal (raw_path, KITH_FHIR_SERVER_BASE_PATH) ||
       g_str_has_prefix (raw_path, KITH_FHIR_SERVER_BASE_PATH "/")) &&
      !is_public_request (method, raw_path) && !authenticate (self, msg))
    {
      KithRequestInfo *info = get_request_info (msg);

      g_free (info->log_path);
      info->log_path = g_strdup ("(not signed in)");
      return;
    }

  /* HEAD is GET without the body; libsoup drops the body for us. */
  if (g_strcmp0 (method, SOUP_METHOD_HEAD) == 0)
    method = SOUP_METHOD_GET;

  segments = split_fhir_path (raw_path, &status, &code, &diagnostics);
  if (segments == NULL)
    {
      set_log_path (msg, NULL, NULL);
      kith_server_respond_outcome (msg, status, code, diagnostics);
      return;
    }

  /* The first matching pattern wins; routes sharing it are its methods. */
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (pattern != NULL && !g_str_equal (routes[i].pattern, pattern))
        break;
      if (pattern == NULL && !route_matches (routes[i].pattern, (const char **) segments, &match))
        continue;
      pattern = routes[i].pattern;

      if (match.type != NULL && !route_serves (&routes[i], match.type))
        continue;

      if (allow == NULL)
        allow = g_string_new (NULL);
      else
        g_string_append (allow, ", ");
      g_string_append (allow, routes[i].method);
      if (g_str_equal (routes[i].method, SOUP_METHOD_GET))
        g_string_append (allow, ", HEAD");

      if (handler == NULL && g_strcmp0 (routes[i].method, method) == 0)
        handler = &routes[i];
    }

  if (match.type != NULL && kith_fhir_is_known_type (match.type))
    known_type = match.type;
  else if (segments[0] != NULL && kith_fhir_is_known_type (segments[0]))
    known_type = segments[0];

  set_log_path (msg, pattern, known_type);

  if (pattern == NULL)
    {
      /* A FHIR-shaped path the server has no route for: a resource type,
       * a keyword or an operation. */
      if (known_type != NULL || segments[0][0] == '_' || segments[0][0] == '$')
        kith_server_respond_outcome (msg, SOUP_STATUS_NOT_FOUND, KITH_ISSUE_NOT_SUPPORTED,
                                     "This interaction is not supported by this server");
      else
        kith_server_respond_outcome (msg, SOUP_STATUS_NOT_FOUND, KITH_ISSUE_NOT_FOUND,
                                     "No FHIR endpoint has that path");
      return;
    }

  if (match.type != NULL && known_type == NULL)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_NOT_FOUND, KITH_ISSUE_NOT_FOUND,
                                   "Unknown resource type");
      return;
    }

  if (allow == NULL)
    {
      /* A real resource type that none of this pattern's routes serve. */
      g_autofree char *text =
        g_strdup_printf ("This interaction is not supported for %s resources", known_type);

      kith_server_respond_outcome (msg, SOUP_STATUS_NOT_FOUND, KITH_ISSUE_NOT_SUPPORTED, text);
      return;
    }

  if (handler == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", allow->str);
      kith_server_respond_outcome (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                                   KITH_ISSUE_NOT_SUPPORTED,
                                   "This method is not allowed on this path");
      return;
    }

  if (handler->uses_store && !batch_join (self, msg))
    return;

  /* The request's work and its AuditEvent stand or fall together. */
  if (handler->uses_store && self->audit)
    {
      g_autoptr(GError) error = NULL;

      if (!kith_store_begin (self->store, &error))
        {
          kith_server_respond_error (msg, error, NULL);
          batch_hold (self, msg, FALSE);
          return;
        }
    }

  handler->handle (self, msg, &match);

  if (handler->uses_store && self->audit)
    {
      KithRequestInfo *info = get_request_info (msg);

      /* What the request was about, unless the interaction said better. */
      if (match.id != NULL && match.type != NULL && kith_fhir_is_valid_id (match.id))
        {
          if (info->entities == NULL)
            note_entity (msg, match.type, match.id,
                         match.vid != NULL && kith_fhir_is_valid_id (match.vid) ? match.vid : NULL);
          if (g_str_equal (match.type, "Patient"))
            note_patient (msg, match.id);
        }
      finish_audited (self, msg, handler, raw_path);
    }

  if (handler->uses_store)
    batch_hold (self, msg, FALSE);
}

/* --- request helpers ------------------------------------------------------- */

static gboolean
check_id (SoupServerMessage *msg,
          const char        *id,
          const char        *what)
{
  g_autofree char *text = NULL;

  if (kith_fhir_is_valid_id (id))
    return TRUE;

  text = g_strdup_printf ("The %s is not a valid FHIR id", what);
  kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID, text);

  return FALSE;
}

static gboolean
is_json_format (const char *format)
{
  static const char * const accepted[] = {
    "json", "application/json", "application/fhir+json", NULL
  };

  return g_strv_contains (accepted, format);
}

/* The query's parameters, or NULL after answering. Only names in @allowed
 * (and _format) are accepted, each once unless it is @repeatable. */
static GPtrArray *
read_query (SoupServerMessage  *msg,
            const char * const *allowed,
            const char         *repeatable)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *raw = uri != NULL ? g_uri_get_query (uri) : NULL;
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GHashTable) seen = NULL;

  if (raw != NULL && strlen (raw) > KITH_SERVER_MAX_QUERY)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_REQUEST_URI_TOO_LONG, KITH_ISSUE_TOO_LONG,
                                   "The query string is too long");
      return NULL;
    }

  params = kith_server_parse_query (raw);
  if (params == NULL)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "The query string is not validly encoded, or has too many "
                                   "parameters");
      return NULL;
    }

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < params->len; i++)
    {
      KithQueryParam *param = g_ptr_array_index (params, i);

      if (g_str_equal (param->name, "_format"))
        {
          if (!is_json_format (param->value))
            {
              kith_server_respond_outcome (msg, SOUP_STATUS_NOT_ACCEPTABLE,
                                           KITH_ISSUE_NOT_SUPPORTED,
                                           "This server only speaks JSON (_format=json)");
              return NULL;
            }
          continue;
        }

      if (!g_strv_contains (allowed, param->name))
        {
          g_autofree char *names = g_strjoinv (", ", (char **) allowed);
          g_autofree char *text =
            g_strdup_printf ("A parameter is not supported here (supported: %s, _format)", names);

          /* The name is not repeated: a client may have put anything there. */
          kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_NOT_SUPPORTED,
                                       text);
          return NULL;
        }

      if (!g_hash_table_add (seen, param->name) && g_strcmp0 (param->name, repeatable) != 0)
        {
          g_autofree char *text = g_strdup_printf ("%s may only be given once", param->name);

          kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID, text);
          return NULL;
        }
    }

  return g_steal_pointer (&params);
}

/* _count as a page size, or 0 after answering. */
static guint
read_count (SoupServerMessage *msg,
            const char        *value)
{
  guint64 count;

  if (value == NULL)
    return KITH_FHIR_SERVER_DEFAULT_COUNT;

  if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT32, &count, NULL))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "_count must be a whole number from 1 to 1000");
      return 0;
    }

  /* FHIR lets a server give fewer than asked for. */
  return (guint) MIN (count, KITH_FHIR_SERVER_MAX_COUNT);
}

/* The request body, or NULL after answering: it must be FHIR JSON. */
static GBytes *
read_json_body (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GBytes) body = NULL;
  const char *content_type;
  const char *charset;

  content_type = soup_message_headers_get_content_type (headers, &params);
  if (content_type == NULL ||
      (g_ascii_strcasecmp (content_type, "application/fhir+json") != 0 &&
       g_ascii_strcasecmp (content_type, "application/json") != 0))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                                   KITH_ISSUE_NOT_SUPPORTED,
                                   "Send the body as Content-Type: application/fhir+json");
      return NULL;
    }
  charset = params != NULL ? g_hash_table_lookup (params, "charset") : NULL;
  if (charset != NULL && g_ascii_strcasecmp (charset, "utf-8") != 0)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                                   KITH_ISSUE_NOT_SUPPORTED, "The body must be UTF-8");
      return NULL;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (g_bytes_get_size (body) == 0)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "The request has no body");
      return NULL;
    }
  if (g_bytes_get_size (body) > KITH_FHIR_SERVER_MAX_BODY)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                   KITH_ISSUE_TOO_COSTLY, "The body is larger than 5 MB");
      return NULL;
    }
  if (!g_utf8_validate_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "The body is not UTF-8 text");
      return NULL;
    }

  return g_steal_pointer (&body);
}

/* Reads If-Match into *@if_match (NULL without one). FALSE after answering. */
static gboolean
read_if_match (SoupServerMessage  *msg,
               char              **if_match)
{
  const char *value;

  value = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                         "If-Match");
  *if_match = NULL;
  if (value == NULL)
    return TRUE;

  *if_match = kith_server_parse_if_match (value);
  if (*if_match == NULL)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "If-Match must name one version, as W/\"3\"");
      return FALSE;
    }

  return TRUE;
}

static gboolean
prefers_minimal (SoupServerMessage *msg)
{
  const char *prefer;

  prefer = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                          "Prefer");

  return prefer != NULL && soup_header_contains (prefer, "return=minimal");
}

/* "[base]/Type/id" or "[base]/Type/id/_history/vid". */
static char *
resource_url (KithFhirServer *self,
              const char     *type,
              const char     *id,
              const char     *version_id)
{
  if (version_id != NULL)
    return g_strdup_printf ("%s/%s/%s/_history/%s", self->base_url, type, id, version_id);

  return g_strdup_printf ("%s/%s/%s", self->base_url, type, id);
}

static void
respond_versioned_resource (SoupServerMessage *msg,
                            guint              status,
                            JsonObject        *resource,
                            gboolean           minimal)
{
  kith_server_set_version_headers (msg, resource);
  if (minimal)
    soup_server_message_set_status (msg, status, NULL);
  else
    kith_server_respond_resource (msg, status, resource);
}

/* --- Bundles --------------------------------------------------------------- */

static void
add_object_value (JsonBuilder *builder,
                  JsonObject  *object)
{
  JsonNode *node = json_node_alloc ();

  json_node_init_object (node, object);
  json_builder_add_value (builder, node);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* Appends "&name=value" (or the first "?name=value") to @url. */
static void
append_query_param (GString    *url,
                    const char *name,
                    const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_c (url, strchr (url->str, '?') != NULL ? '&' : '?');
  g_string_append (url, name);
  g_string_append_c (url, '=');
  g_string_append (url, escaped);
}

/* The link URLs of a page: @params are the request's (any _page is left
 * out); @page is added when not NULL. */
static char *
page_url (KithFhirServer *self,
          const char     *path,
          GPtrArray      *params,
          const char     *page)
{
  GString *url = g_string_new (self->base_url);

  if (path[0] != '\0')
    {
      g_string_append_c (url, '/');
      g_string_append (url, path);
    }
  for (guint i = 0; i < params->len; i++)
    {
      KithQueryParam *param = g_ptr_array_index (params, i);

      if (!g_str_equal (param->name, "_page"))
        append_query_param (url, param->name, param->value);
    }
  if (page != NULL)
    append_query_param (url, "_page", page);

  return g_string_free (url, FALSE);
}

/* Starts a Bundle of @type; close it with end_bundle(). */
static void
begin_bundle (JsonBuilder *builder,
              const char  *type,
              const char  *last_updated,
              const char  *self_url,
              const char  *next_url)
{
  g_autofree char *id = kith_fhir_new_id ();

  json_builder_begin_object (builder);
  add_string_member (builder, "resourceType", "Bundle");
  add_string_member (builder, "id", id);
  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  add_string_member (builder, "lastUpdated", last_updated);
  json_builder_end_object (builder);
  add_string_member (builder, "type", type);

  json_builder_set_member_name (builder, "link");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  add_string_member (builder, "relation", "self");
  add_string_member (builder, "url", self_url);
  json_builder_end_object (builder);
  if (next_url != NULL)
    {
      json_builder_begin_object (builder);
      add_string_member (builder, "relation", "next");
      add_string_member (builder, "url", next_url);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "entry");
  json_builder_begin_array (builder);
}

static void
respond_bundle (SoupServerMessage *msg,
                JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  kith_server_respond_resource (msg, SOUP_STATUS_OK, json_node_get_object (root));
}

static void
add_history_entry (KithFhirServer   *self,
                   JsonBuilder      *builder,
                   KithStoreVersion *version,
                   JsonObject       *shown)
{
  g_autofree char *full_url = resource_url (self, version->type, version->id, NULL);
  g_autofree char *relative = g_strdup_printf ("%s/%s", version->type, version->id);
  g_autofree char *etag = g_strdup_printf ("W/\"%s\"", version->version_id);
  gboolean deleted = version->resource == NULL;
  const char *status;

  if (deleted)
    status = "204 No Content";
  else if (g_str_equal (version->version_id, "1"))
    status = "201 Created";
  else
    status = "200 OK";

  json_builder_begin_object (builder);
  add_string_member (builder, "fullUrl", full_url);
  if (!deleted)
    {
      json_builder_set_member_name (builder, "resource");
      add_object_value (builder, shown);
    }
  json_builder_set_member_name (builder, "request");
  json_builder_begin_object (builder);
  add_string_member (builder, "method", deleted ? "DELETE" : "PUT");
  add_string_member (builder, "url", relative);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "response");
  json_builder_begin_object (builder);
  add_string_member (builder, "status", status);
  add_string_member (builder, "etag", etag);
  add_string_member (builder, "lastModified", version->last_updated);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
add_search_entry (KithFhirServer   *self,
                  JsonBuilder      *builder,
                  KithStoreVersion *version,
                  JsonObject       *shown)
{
  g_autofree char *full_url = resource_url (self, version->type, version->id, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "fullUrl", full_url);
  json_builder_set_member_name (builder, "resource");
  add_object_value (builder, shown);
  json_builder_set_member_name (builder, "search");
  json_builder_begin_object (builder);
  add_string_member (builder, "mode", "match");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* How many entries were left out, and why, as an OperationOutcome. */
static JsonObject *
left_out_outcome (guint left_out)
{
  g_autofree char *text =
    g_strdup_printf ("%u %s left out: not in this person's care team", left_out,
                     left_out == 1 ? "entry was" : "entries were");
  JsonObject *outcome = kith_server_outcome_new ("information", KITH_ISSUE_SUPPRESSED, text);

  return outcome;
}

/* A searchset says what it left out in an entry of mode "outcome". */
static void
add_search_outcome_entry (JsonBuilder *builder,
                          guint        left_out)
{
  g_autoptr(JsonObject) outcome = left_out_outcome (left_out);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resource");
  add_object_value (builder, outcome);
  json_builder_set_member_name (builder, "search");
  json_builder_begin_object (builder);
  add_string_member (builder, "mode", "outcome");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* A history entry needs a request and a response (FHIR R4 bdl-3, bdl-4),
 * so it says what it left out as the outcome of the history request
 * itself: no resource, nothing a client could store as a version. */
static void
add_history_outcome_entry (JsonBuilder *builder,
                           const char  *path,
                           guint        left_out)
{
  g_autoptr(JsonObject) outcome = left_out_outcome (left_out);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "request");
  json_builder_begin_object (builder);
  add_string_member (builder, "method", "GET");
  add_string_member (builder, "url", path);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "response");
  json_builder_begin_object (builder);
  add_string_member (builder, "status", "200 OK");
  json_builder_set_member_name (builder, "outcome");
  add_object_value (builder, outcome);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* A volunteer in the care team reads a plan as the volunteer view. */
static gboolean
is_volunteer_view (KithAccess         *access,
                   JsonObject         *resource,
                   KithAccessDecision  decision)
{
  return resource != NULL && decision == KITH_ACCESS_DENY_RESTRICTED &&
         g_strcmp0 (kith_access_get_user (access)->role, "volunteer") == 0 &&
         g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "CarePlan") == 0;
}

typedef enum
{
  SHOW_VERSION,     /* *shown is what to send (NULL for a deletion) */
  SHOW_NOTHING,     /* left out */
  SHOW_FAILED,      /* the store failed; @error is set */
} KithShowing;

/* What a search or history shows of one version: the version, the
 * volunteer view of a plan, or a stub in its place (transfer full in
 * @shown); or nothing. Refusals are noted for the audit trail; @link
 * names the person when they are left out. */
static KithShowing
show_version (SoupServerMessage  *msg,
              KithStoreVersion   *version,
              gboolean            link,
              JsonObject        **shown,
              GError            **error)
{
  KithAccess *access = request_access (msg);
  JsonObject *resource = version->resource;
  const char *patient_id = resource != NULL ? kith_fhir_resource_patient (resource) : NULL;
  g_autoptr(GError) local_error = NULL;
  KithAccessDecision decision;

  *shown = NULL;
  decision = kith_access_check_read (access, version->type, version->id, resource, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return SHOW_FAILED;
    }

  if (decision == KITH_ACCESS_PERMIT)
    {
      if (resource != NULL)
        *shown = json_object_ref (resource);
      note_resource_patient (msg, resource);
      return SHOW_VERSION;
    }
  if (is_volunteer_view (access, resource, decision))
    {
      *shown = kith_consent_volunteer_view (resource);
      note_resource_patient (msg, resource);
      return SHOW_VERSION;
    }
  if (resource != NULL && kith_access_shows_stub (access, decision))
    {
      *shown = kith_consent_make_stub (resource, decision);
      note_refusal (msg, patient_id, decision, TRUE, TRUE);
      return SHOW_VERSION;
    }
  note_refusal (msg, patient_id, decision, FALSE, link);
  return SHOW_NOTHING;
}

/* The cursor after the last of @versions' first @count. */
static char *
next_page_token (GPtrArray  *versions,
                 guint       count,
                 char        kind,
                 const char *as_of)
{
  KithStoreVersion *last;
  KithCursor cursor;

  if (versions->len <= count)
    return NULL;

  last = g_ptr_array_index (versions, count - 1);
  cursor.as_of = (char *) as_of;
  cursor.last_updated = last->last_updated;
  cursor.type = last->type;
  cursor.id = last->id;
  cursor.version_id = last->version_id;

  return kith_server_encode_cursor (kind, &cursor);
}

/* --- interactions ---------------------------------------------------------- */

/* GET [base]/metadata */
static void
handle_capabilities (KithFhirServer       *self,
                     SoupServerMessage    *msg,
                     const KithRouteMatch *match)
{
  g_assert (self->capability_statement != NULL);

  kith_server_respond_resource (msg, SOUP_STATUS_OK, self->capability_statement);
}

typedef struct
{
  KithFhirServer    *self;
  SoupServerMessage *msg;
} TransactionCheck;

static guint check_write (KithFhirServer     *self,
                          SoupServerMessage  *msg,
                          const char         *type,
                          const char         *id,
                          JsonObject         *incoming,
                          const char        **code,
                          char              **diagnostics);

/* Each entry of a transaction is checked as the same request on its own
 * would be; one refusal fails the whole Bundle. */
static guint
on_transaction_entry_cb (const char   *method,
                         const char   *type,
                         const char   *id,
                         JsonObject   *current,
                         JsonObject   *incoming,
                         const char  **code,
                         char        **diagnostics,
                         gpointer      user_data)
{
  TransactionCheck *check = user_data;
  KithRequestInfo *info = get_request_info (check->msg);
  g_autoptr(GError) error = NULL;
  KithAccessDecision decision;

  if (!g_str_equal (method, "GET"))
    return check_write (check->self, check->msg, type, id, incoming, code, diagnostics);

  decision = kith_access_check_read (request_access (check->msg), type, id, current, &error);
  if (error != NULL)
    return kith_server_describe_error (error, type, code, diagnostics);
  if (decision == KITH_ACCESS_PERMIT)
    return 0;
  note_resource_patient (check->msg, current);
  g_free (info->detail);
  info->detail = g_strdup (kith_access_decision_describe (decision));
  *code = KITH_ISSUE_FORBIDDEN;
  *diagnostics = g_strdup (kith_access_decision_describe (decision));
  return SOUP_STATUS_FORBIDDEN;
}

/* POST [base] with a transaction Bundle */
static void
handle_transaction (KithFhirServer       *self,
                    SoupServerMessage    *msg,
                    const KithRouteMatch *match)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) response = NULL;
  KithRequestInfo *info;
  gsize length;
  const char *data;
  guint status = 0;

  if (!(body = read_json_body (msg)))
    return;

  data = g_bytes_get_data (body, &length);
  info = get_request_info (msg);
  if (info->entities == NULL)
    info->entities = g_ptr_array_new_with_free_func (g_free);
  if (info->patients == NULL)
    info->patients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  response = kith_server_transaction_run (self->store, data, length, self->base_url,
                                          on_transaction_entry_cb,
                                          &(TransactionCheck) { self, msg },
                                          info->entities, info->patients, &status);
  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Retry-After", "1");
  kith_server_respond_resource (msg, status, response);
}

/* GET [base]/_history, [base]/[type]/_history and [base]/[type]/[id]/_history */
static void
handle_history (KithFhirServer       *self,
                SoupServerMessage    *msg,
                const KithRouteMatch *match)
{
  static const char * const allowed[] = { "_since", "_count", "_page", NULL };
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(KithCursor) cursor = { NULL, NULL, NULL, NULL, NULL };
  g_autofree char *since = NULL;
  g_autofree char *as_of = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *self_url = NULL;
  g_autofree char *next_url = NULL;
  KithStorePosition position;
  const char *count_text = NULL;
  const char *page = NULL;
  guint count;

  if (match->id != NULL && !check_id (msg, match->id, "resource id"))
    return;
  if (!(params = read_query (msg, allowed, NULL)))
    return;

  for (guint i = 0; i < params->len; i++)
    {
      KithQueryParam *param = g_ptr_array_index (params, i);

      if (g_str_equal (param->name, "_since"))
        {
          since = kith_server_parse_instant (param->value, FALSE, NULL);
          if (since == NULL)
            {
              kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                           "_since must be an instant with a time zone, "
                                           "as 2026-01-01T09:00:00Z");
              return;
            }
        }
      else if (g_str_equal (param->name, "_count"))
        count_text = param->value;
      else if (g_str_equal (param->name, "_page"))
        page = param->value;
    }

  if ((count = read_count (msg, count_text)) == 0)
    return;
  if (page != NULL && !kith_server_decode_cursor (page, 'h', &cursor))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "_page is not a cursor this server gave out");
      return;
    }

  as_of = cursor.as_of != NULL ? g_strdup (cursor.as_of) : kith_fhir_now_instant ();
  position.last_updated = cursor.last_updated;
  position.type = cursor.type;
  position.id = cursor.id;
  position.version_id = cursor.version_id;

  versions = kith_store_query_history (self->store, match->type, match->id, since,
                                       page != NULL ? &position : NULL, count + 1, &error);
  if (versions == NULL)
    {
      kith_server_respond_error (msg, error, match->type);
      return;
    }

  /* An instance's history needs the instance, and someone who may know
   * of it: outside the person's care team, the answer is 403. */
  if (match->id != NULL)
    {
      g_autoptr(KithStoreVersion) current =
        kith_store_query_current (self->store, match->type, match->id, &error);
      KithAccessDecision decision;

      if (current == NULL && error == NULL && versions->len == 0 && page == NULL)
        g_set_error_literal (&error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND, "");
      if (error != NULL)
        {
          kith_server_respond_error (msg, error, match->type);
          return;
        }
      if (current != NULL)
        {
          decision = kith_access_check_read (request_access (msg), match->type, match->id,
                                             current->resource, &error);
          if (error != NULL)
            {
              kith_server_respond_error (msg, error, match->type);
              return;
            }
          if (decision == KITH_ACCESS_DENY_NOT_CARE_TEAM)
            {
              respond_refused (msg, current->resource != NULL
                                      ? kith_fhir_resource_patient (current->resource) : NULL,
                               decision);
              return;
            }
        }
    }

  if (match->id != NULL)
    path = g_strdup_printf ("%s/%s/_history", match->type, match->id);
  else if (match->type != NULL)
    path = g_strdup_printf ("%s/_history", match->type);
  else
    path = g_strdup ("_history");

  token = next_page_token (versions, count, 'h', as_of);
  self_url = page_url (self, path, params, page);
  if (token != NULL)
    next_url = page_url (self, path, params, token);

  builder = json_builder_new ();
  begin_bundle (builder, "history", as_of, self_url, next_url);
  for (guint i = 0; i < MIN (versions->len, count); i++)
    {
      KithStoreVersion *version = g_ptr_array_index (versions, i);
      g_autoptr(JsonObject) shown = NULL;

      switch (show_version (msg, version, match->id != NULL, &shown, &error))
        {
        case SHOW_VERSION:
          add_history_entry (self, builder, version, shown);
          break;
        case SHOW_NOTHING:
          break;
        case SHOW_FAILED:
        default:
          kith_server_respond_error (msg, error, match->type);
          return;
        }
    }
  if (get_request_info (msg)->n_left_out > 0)
    add_history_outcome_entry (builder, path, get_request_info (msg)->n_left_out);
  respond_bundle (msg, builder);
}

/* Narrows [*lower, *upper) by one _lastUpdated value. FALSE after answering. */
static gboolean
read_last_updated (SoupServerMessage  *msg,
                   const char         *value,
                   char              **lower,
                   char              **upper)
{
  static const char * const prefixes[] = { "eq", "ge", "gt", "le", "lt" };
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  const char *prefix = "eq";
  const char *new_lower = NULL;
  const char *new_upper = NULL;

  if (g_ascii_isalpha (value[0]))
    {
      gboolean known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
        {
          if (g_str_has_prefix (value, prefixes[i]))
            {
              prefix = prefixes[i];
              known = TRUE;
            }
        }
      if (!known)
        {
          kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_NOT_SUPPORTED,
                                       "_lastUpdated takes the prefixes eq, ge, gt, le and lt");
          return FALSE;
        }
      value += 2;
    }

  start = kith_server_parse_instant (value, TRUE, &end);
  if (start == NULL)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "_lastUpdated must be a date or an instant with a time zone, "
                                   "as ge2026-01-01T09:00:00Z");
      return FALSE;
    }

  /* A value stands for the range of its precision ([start, end)). */
  if (g_str_equal (prefix, "eq"))
    {
      new_lower = start;
      new_upper = end;
    }
  else if (g_str_equal (prefix, "ge"))
    new_lower = start;
  else if (g_str_equal (prefix, "gt"))
    new_lower = end;
  else if (g_str_equal (prefix, "le"))
    new_upper = end;
  else
    new_upper = start;

  if (new_lower != NULL && (*lower == NULL || strcmp (new_lower, *lower) > 0))
    {
      g_free (*lower);
      *lower = g_strdup (new_lower);
    }
  if (new_upper != NULL && (*upper == NULL || strcmp (new_upper, *upper) < 0))
    {
      g_free (*upper);
      *upper = g_strdup (new_upper);
    }

  return TRUE;
}

/* GET [base]/[type]?… */
static void
handle_search (KithFhirServer       *self,
               SoupServerMessage    *msg,
               const KithRouteMatch *match)
{
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) allowed = g_ptr_array_new ();
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(KithCursor) cursor = { NULL, NULL, NULL, NULL, NULL };
  g_autofree char *lower = NULL;
  g_autofree char *upper = NULL;
  g_autofree char *as_of = NULL;
  g_autofree char *token = NULL;
  g_autofree char *self_url = NULL;
  g_autofree char *next_url = NULL;
  KithStoreSearchFilter filter = { NULL, NULL, NULL, NULL, NULL };
  KithStorePosition position;
  const char *count_text = NULL;
  const char *page = NULL;
  guint count;

  for (guint i = 0; i < G_N_ELEMENTS (search_params); i++)
    {
      if (search_param_applies (&search_params[i], match->type))
        g_ptr_array_add (allowed, (gpointer) search_params[i].name);
    }
  g_ptr_array_add (allowed, (gpointer) "_page");
  g_ptr_array_add (allowed, NULL);

  if (!(params = read_query (msg, (const char * const *) allowed->pdata, "_lastUpdated")))
    return;

  for (guint i = 0; i < params->len; i++)
    {
      KithQueryParam *param = g_ptr_array_index (params, i);

      if (g_str_equal (param->name, "patient"))
        {
          const char *id = param->value;

          if (g_str_has_prefix (id, "Patient/"))
            id += strlen ("Patient/");
          if (!kith_fhir_is_valid_id (id))
            {
              kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                           "patient must be Patient/[id] or [id]");
              return;
            }
          filter.patient_id = id;
        }
      else if (g_str_equal (param->name, "_lastUpdated"))
        {
          if (!read_last_updated (msg, param->value, &lower, &upper))
            return;
        }
      else if (g_str_equal (param->name, "_sort"))
        {
          if (!g_str_equal (param->value, "_lastUpdated"))
            {
              kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_NOT_SUPPORTED,
                                           "_sort only takes _lastUpdated (ascending)");
              return;
            }
        }
      else if (g_str_equal (param->name, "_count"))
        count_text = param->value;
      else if (g_str_equal (param->name, "_page"))
        page = param->value;
    }

  if ((count = read_count (msg, count_text)) == 0)
    return;

  /* A search about one person needs a relationship with them. */
  if (filter.patient_id != NULL &&
      !kith_access_knows_patient (request_access (msg), filter.patient_id, &error))
    {
      if (error != NULL)
        kith_server_respond_error (msg, error, match->type);
      else
        respond_refused (msg, filter.patient_id, KITH_ACCESS_DENY_NOT_CARE_TEAM);
      return;
    }

  if (page != NULL &&
      (!kith_server_decode_cursor (page, 's', &cursor) || !g_str_equal (cursor.type, match->type)))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "_page is not a cursor this server gave out for this search");
      return;
    }

  filter.updated_ge = lower;
  filter.updated_lt = upper;
  as_of = cursor.as_of != NULL ? g_strdup (cursor.as_of) : kith_fhir_now_instant ();
  position.last_updated = cursor.last_updated;
  position.type = cursor.type;
  position.id = cursor.id;
  position.version_id = cursor.version_id;

  versions = kith_store_query_search (self->store, match->type, &filter,
                                      page != NULL ? &position : NULL, count + 1, &error);
  if (versions == NULL)
    {
      kith_server_respond_error (msg, error, match->type);
      return;
    }

  token = next_page_token (versions, count, 's', as_of);
  self_url = page_url (self, match->type, params, page);
  if (token != NULL)
    next_url = page_url (self, match->type, params, token);

  builder = json_builder_new ();
  begin_bundle (builder, "searchset", as_of, self_url, next_url);
  note_patient (msg, filter.patient_id);
  for (guint i = 0; i < MIN (versions->len, count); i++)
    {
      KithStoreVersion *version = g_ptr_array_index (versions, i);
      g_autoptr(JsonObject) shown = NULL;

      switch (show_version (msg, version, filter.patient_id != NULL, &shown, &error))
        {
        case SHOW_VERSION:
          add_search_entry (self, builder, version, shown);
          break;
        case SHOW_NOTHING:
          break;
        case SHOW_FAILED:
        default:
          kith_server_respond_error (msg, error, match->type);
          return;
        }
    }
  if (get_request_info (msg)->n_left_out > 0)
    add_search_outcome_entry (builder, get_request_info (msg)->n_left_out);
  respond_bundle (msg, builder);
}

/* Answers a read or vread of @resource: the resource, a volunteer's
 * view of a plan, or 403 saying why. */
static void
respond_readable (SoupServerMessage    *msg,
                  const KithRouteMatch *match,
                  JsonObject           *resource)
{
  KithAccess *access = request_access (msg);
  g_autoptr(JsonObject) view = NULL;
  g_autoptr(GError) error = NULL;
  KithAccessDecision decision;

  decision = kith_access_check_read (access, match->type, match->id, resource, &error);
  if (error != NULL)
    {
      kith_server_respond_error (msg, error, match->type);
      return;
    }
  if (decision != KITH_ACCESS_PERMIT && !is_volunteer_view (access, resource, decision))
    {
      respond_refused (msg, kith_fhir_resource_patient (resource), decision);
      return;
    }
  if (decision != KITH_ACCESS_PERMIT)
    view = kith_consent_volunteer_view (resource);
  note_resource_patient (msg, resource);
  respond_versioned_resource (msg, SOUP_STATUS_OK, view != NULL ? view : resource, FALSE);
}

/* GET [base]/[type]/[id] */
static void
handle_read (KithFhirServer       *self,
             SoupServerMessage    *msg,
             const KithRouteMatch *match)
{
  g_autoptr(JsonObject) resource = NULL;
  g_autoptr(GError) error = NULL;

  if (!check_id (msg, match->id, "resource id"))
    return;

  resource = kith_store_read_resource (self->store, match->type, match->id, &error);
  if (resource == NULL)
    {
      kith_server_respond_error (msg, error, match->type);
      return;
    }

  note_entity (msg, match->type, match->id, kith_fhir_get_version_id (resource));
  respond_readable (msg, match, resource);
}

/* A record-sharing Consent must be one Kith can read, and the only
 * active one of its person. 0, or the status to refuse with. */
static guint
check_consent (KithStore   *store,
               JsonObject  *incoming,
               const char **code,
               char       **diagnostics)
{
  g_autoptr(KithConsent) consent = NULL;
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(GError) error = NULL;

  if (!kith_consent_is_record_sharing (incoming))
    return 0;
  if (!(consent = kith_consent_from_fhir (incoming, &error)))
    {
      *code = KITH_ISSUE_INVALID;
      *diagnostics = g_strdup (error->message);
      return SOUP_STATUS_BAD_REQUEST;
    }
  if (g_strcmp0 (kith_fhir_get_string (incoming, "status"), "active") != 0)
    return 0;
  if (!(others = kith_store_list_for_patient (store, "Consent", consent->patient_id, &error)))
    {
      *code = KITH_ISSUE_EXCEPTION;
      *diagnostics = g_strdup ("The person's Consents could not be read");
      return SOUP_STATUS_SERVICE_UNAVAILABLE;
    }
  for (guint i = 0; i < others->len; i++)
    {
      JsonObject *other = g_ptr_array_index (others, i);

      if (kith_consent_is_record_sharing (other) &&
          g_strcmp0 (kith_fhir_get_string (other, "status"), "active") == 0 &&
          g_strcmp0 (kith_fhir_get_string (other, "id"), consent->id) != 0)
        {
          *code = KITH_ISSUE_CONFLICT;
          *diagnostics = g_strdup_printf ("This person already has an active Consent about who may "
                                          "see their record (Consent/%s): change that one, or make "
                                          "it inactive first",
                                          kith_fhir_get_string (other, "id"));
          return SOUP_STATUS_CONFLICT;
        }
    }
  return 0;
}

/* Whether @msg's user may write @incoming as @type/@id, or delete it
 * (@incoming NULL). 0, or the status to refuse with, with an issue @code
 * and @diagnostics (transfer full). A refusal is noted for the audit. */
static guint
check_write (KithFhirServer     *self,
             SoupServerMessage  *msg,
             const char         *type,
             const char         *id,
             JsonObject         *incoming,
             const char        **code,
             char              **diagnostics)
{
  g_autoptr(KithStoreVersion) current = NULL;
  g_autoptr(GError) error = NULL;
  KithRequestInfo *info = get_request_info (msg);
  KithAccessDecision decision;
  guint status;

  /* A stub or a volunteer's view saved back would overwrite the record. */
  if (incoming != NULL && kith_consent_is_redacted (incoming))
    {
      *code = KITH_ISSUE_BUSINESS_RULE;
      *diagnostics = g_strdup ("This is a redacted copy (meta.security REDACTED), not the whole "
                               "resource: it cannot be saved over the record");
      return SOUP_STATUS_UNPROCESSABLE_ENTITY;
    }
  if (incoming != NULL && (status = check_consent (self->store, incoming, code, diagnostics)) != 0)
    return status;

  current = kith_store_query_current (self->store, type, id, &error);
  if (error == NULL)
    decision = kith_access_check_write (request_access (msg), type, id,
                                        current != NULL ? current->resource : NULL, incoming,
                                        &error);
  if (error != NULL)
    return kith_server_describe_error (error, type, code, diagnostics);
  if (decision == KITH_ACCESS_PERMIT)
    return 0;

  if (current != NULL)
    note_resource_patient (msg, current->resource);
  note_resource_patient (msg, incoming);
  g_free (info->detail);
  info->detail = g_strdup (kith_access_decision_describe (decision));
  *code = KITH_ISSUE_FORBIDDEN;
  *diagnostics = g_strdup (kith_access_decision_describe (decision));
  return SOUP_STATUS_FORBIDDEN;
}

/* PUT [base]/[type]/[id] */
static void
handle_update (KithFhirServer       *self,
               SoupServerMessage    *msg,
               const KithRouteMatch *match)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) resource = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *if_match = NULL;
  g_autofree char *location = NULL;
  KithStoreUpdate outcome;
  const char *data;
  gsize length;

  if (!check_id (msg, match->id, "resource id"))
    return;
  if (!read_if_match (msg, &if_match))
    return;
  if (!(body = read_json_body (msg)))
    return;

  data = g_bytes_get_data (body, &length);
  resource = kith_fhir_parse_resource (data, length, &error);
  if (resource == NULL)
    {
      kith_server_respond_error (msg, error, match->type);
      return;
    }
  if (g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), match->type) != 0)
    {
      g_autofree char *text = g_strdup_printf ("The body must be a %s resource, as the URL says",
                                               match->type);

      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID, text);
      return;
    }
  if (g_strcmp0 (kith_fhir_get_string (resource, "id"), match->id) != 0)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "The body's id must be present and equal the id in the URL");
      return;
    }

  {
    g_autofree char *diagnostics = NULL;
    const char *code = NULL;
    guint status = check_write (self, msg, match->type, match->id, resource, &code, &diagnostics);

    if (status != 0)
      {
        kith_server_respond_outcome (msg, status, code, diagnostics);
        return;
      }
  }

  if (!kith_store_query_update (self->store, resource, if_match, &outcome, &error))
    {
      kith_server_respond_error (msg, error, match->type);
      return;
    }

  note_entity (msg, match->type, match->id, kith_fhir_get_version_id (resource));
  note_resource_patient (msg, resource);
  location = resource_url (self, match->type, match->id, kith_fhir_get_version_id (resource));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                outcome == KITH_STORE_UPDATE_CREATED ? "Location"
                                                                     : "Content-Location",
                                location);
  respond_versioned_resource (msg,
                              outcome == KITH_STORE_UPDATE_CREATED ? SOUP_STATUS_CREATED
                                                                   : SOUP_STATUS_OK,
                              resource, prefers_minimal (msg));
}

/* DELETE [base]/[type]/[id] */
static void
handle_delete (KithFhirServer       *self,
               SoupServerMessage    *msg,
               const KithRouteMatch *match)
{
  g_autoptr(KithStoreVersion) tombstone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *if_match = NULL;

  if (!check_id (msg, match->id, "resource id"))
    return;
  if (!read_if_match (msg, &if_match))
    return;

  {
    g_autofree char *diagnostics = NULL;
    const char *code = NULL;
    guint status = check_write (self, msg, match->type, match->id, NULL, &code, &diagnostics);

    if (status != 0)
      {
        kith_server_respond_outcome (msg, status, code, diagnostics);
        return;
      }
  }

  /* Whose record this was, for the audit trail, while it can be read. */
  if (self->audit)
    {
      g_autoptr(KithStoreVersion) current =
        kith_store_query_current (self->store, match->type, match->id, NULL);

      if (current != NULL)
        note_resource_patient (msg, current->resource);
    }

  if (!kith_store_query_delete (self->store, match->type, match->id, if_match, &tombstone,
                                &error))
    {
      kith_server_respond_error (msg, error, match->type);
      return;
    }

  /* The deletion's own version, when there is one. */
  if (tombstone != NULL && kith_fhir_is_valid_id (tombstone->version_id))
    {
      g_autofree char *etag = g_strdup_printf ("W/\"%s\"", tombstone->version_id);

      note_entity (msg, match->type, match->id, tombstone->version_id);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "ETag", etag);
    }
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* GET [base]/[type]/[id]/_history/[vid] */
static void
handle_vread (KithFhirServer       *self,
              SoupServerMessage    *msg,
              const KithRouteMatch *match)
{
  g_autoptr(JsonObject) resource = NULL;
  g_autoptr(GError) error = NULL;

  if (!check_id (msg, match->id, "resource id") || !check_id (msg, match->vid, "version id"))
    return;

  resource = kith_store_read_version (self->store, match->type, match->id, match->vid, &error);
  if (resource == NULL)
    {
      kith_server_respond_error (msg, error, match->type);
      return;
    }
  respond_readable (msg, match, resource);
}

/* --- governance: break-glass and the audit trail ------------------------- */

static gboolean
is_care_role (const char *role)
{
  static const char * const care_roles[] = { "gp", "nurse", "social-worker", "co-ordinator", NULL };

  return role != NULL && g_strv_contains (care_roles, role);
}

/* A small JSON body as an object, or NULL after answering. Governance
 * bodies are a few lines, so a small limit also bounds the nesting. */
static JsonObject *
read_small_json (SoupServerMessage *msg,
                 const char        *what)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  const char *data;
  gsize length;

  if (!(body = read_json_body (msg)))
    return NULL;
  data = g_bytes_get_data (body, &length);
  if (length > KITH_FHIR_SERVER_MAX_SIGN_IN_BODY)
    {
      g_autofree char *text = g_strdup_printf ("%s is too large", what);

      kith_server_respond_outcome (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, KITH_ISSUE_TOO_COSTLY,
                                   text);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autofree char *text = g_strdup_printf ("%s is not a JSON object", what);

      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID, text);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* The valueString of the Parameters parameter called @name, or NULL. */
static const char *
parameter_string (JsonObject *parameters,
                  const char *name)
{
  JsonArray *list = kith_fhir_get_array (parameters, "parameter");

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *parameter = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (g_strcmp0 (kith_fhir_get_string (parameter, "name"), name) == 0)
        return kith_fhir_get_string (parameter, "valueString");
    }
  return NULL;
}

/* POST [base]/Patient/[id]/$break-glass with Parameters: reason */
static void
handle_break_glass (KithFhirServer       *self,
                    SoupServerMessage    *msg,
                    const KithRouteMatch *match)
{
  KithRequestInfo *info = get_request_info (msg);
  const KithServerUser *user = kith_access_get_user (request_access (msg));
  g_autoptr(JsonObject) parameters = NULL;
  g_autoptr(KithStoreVersion) person = NULL;
  g_autoptr(GDateTime) expiry = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *reference = NULL;
  gint64 now_ms = g_get_real_time () / 1000;
  gint64 expires_at_ms = 0;

  info->subtype = "break-glass";
  if (!check_id (msg, match->id, "Patient id"))
    return;
  note_entity (msg, "Patient", match->id, NULL);
  note_patient (msg, match->id);

  if (!is_care_role (user->role))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_FORBIDDEN, KITH_ISSUE_FORBIDDEN,
                                   "Break-glass is for clinical and care staff");
      return;
    }
  if (!(parameters = read_small_json (msg, "The break-glass request")))
    return;
  if (g_strcmp0 (kith_fhir_get_string (parameters, "resourceType"), "Parameters") != 0)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "Send a Parameters resource with the reason "
                                   "(parameter \"reason\", valueString)");
      return;
    }
  reason = g_strdup (parameter_string (parameters, "reason"));
  if (reason != NULL)
    g_strstrip (reason);
  if (reason == NULL || g_utf8_strlen (reason, -1) < KITH_SERVER_BREAK_GLASS_MIN_REASON)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "Type the reason you need this record now, in words: at least "
                                   "10 characters. It is recorded and reviewed by your team lead");
      return;
    }
  if (g_utf8_strlen (reason, -1) > KITH_SERVER_BREAK_GLASS_MAX_REASON)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_TOO_LONG,
                                   "The reason is too long: at most 500 characters");
      return;
    }

  person = kith_store_query_current (self->store, "Patient", match->id, &error);
  if (person == NULL || person->resource == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, KITH_STORE_ERROR,
                             person == NULL ? KITH_STORE_ERROR_NOT_FOUND : KITH_STORE_ERROR_GONE, "");
      kith_server_respond_error (msg, error, "Patient");
      return;
    }

  if (!kith_access_grant_break_glass (self->store, user->id, match->id, reason, now_ms,
                                      self->break_glass_lifetime, &expires_at_ms, &error))
    {
      kith_server_respond_error (msg, error, NULL);
      return;
    }
  info->reason = g_steal_pointer (&reason);
  info->for_review = TRUE;

  expiry = g_date_time_new_from_unix_utc (expires_at_ms / 1000);
  expires = kith_fhir_format_instant (expiry);
  reference = g_strconcat ("Patient/", match->id, NULL);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string_member (builder, "resourceType", "Parameters");
  json_builder_set_member_name (builder, "parameter");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  add_string_member (builder, "name", "patient");
  json_builder_set_member_name (builder, "valueReference");
  json_builder_begin_object (builder);
  add_string_member (builder, "reference", reference);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_begin_object (builder);
  add_string_member (builder, "name", "expires");
  add_string_member (builder, "valueInstant", expires);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  kith_server_respond_resource (msg, SOUP_STATUS_OK, json_node_get_object (root));
}

static void
respond_audit_bundle (KithFhirServer    *self,
                      SoupServerMessage *msg,
                      GPtrArray         *events,
                      const char        *patient_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *now = kith_fhir_now_instant ();
  g_autofree char *self_url = NULL;
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;

  self_url = g_strdup_printf ("%s/AuditEvent%s%s", self->base_url, query != NULL ? "?" : "",
                              query != NULL ? query : "");
  begin_bundle (builder, "searchset", now, self_url, NULL);
  for (guint i = 0; i < events->len; i++)
    {
      KithAuditEvent *event = g_ptr_array_index (events, i);
      g_autoptr(JsonObject) resource = kith_audit_event_to_fhir (event, patient_id);
      g_autofree char *full_url = g_strdup_printf ("%s/AuditEvent/%" G_GINT64_FORMAT,
                                                   self->base_url, event->id);

      json_builder_begin_object (builder);
      add_string_member (builder, "fullUrl", full_url);
      json_builder_set_member_name (builder, "resource");
      add_object_value (builder, resource);
      json_builder_set_member_name (builder, "search");
      json_builder_begin_object (builder);
      add_string_member (builder, "mode", "match");
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  respond_bundle (msg, builder);
}

/* GET [base]/AuditEvent?type=break-glass (team leads and admins) or
 * ?patient=[id] (admins) */
static void
handle_audit_search (KithFhirServer       *self,
                     SoupServerMessage    *msg,
                     const KithRouteMatch *match)
{
  static const char * const allowed[] = { "type", "patient", NULL };
  const KithServerUser *user = kith_access_get_user (request_access (msg));
  gboolean admin = g_strcmp0 (user->role, "admin") == 0;
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  const char *type = NULL;
  const char *patient_id = NULL;

  get_request_info (msg)->subtype = "search-type";
  if (!(params = read_query (msg, allowed, NULL)))
    return;
  for (guint i = 0; i < params->len; i++)
    {
      KithQueryParam *param = g_ptr_array_index (params, i);

      if (g_str_equal (param->name, "type"))
        type = param->value;
      else if (g_str_equal (param->name, "patient"))
        patient_id = g_str_has_prefix (param->value, "Patient/")
                     ? param->value + strlen ("Patient/") : param->value;
    }
  if ((type == NULL) == (patient_id == NULL) ||
      (type != NULL && !g_str_equal (type, "break-glass")) ||
      (patient_id != NULL && !kith_fhir_is_valid_id (patient_id)))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_NOT_SUPPORTED,
                                   "Search AuditEvents with type=break-glass or with patient=[id]");
      return;
    }

  if (type != NULL)
    {
      if (!admin && !user->lead)
        {
          kith_server_respond_outcome (msg, SOUP_STATUS_FORBIDDEN, KITH_ISSUE_FORBIDDEN,
                                       "Only team leads and administrators see break-glass events");
          return;
        }
      /* A lead sees their own team's; an administrator everyone's. */
      events = kith_server_audit_list_break_glass (self->store, admin ? NULL : user->team, &error);
    }
  else
    {
      if (!admin)
        {
          kith_server_respond_outcome (msg, SOUP_STATUS_FORBIDDEN, KITH_ISSUE_FORBIDDEN,
                                       "Only administrators see a person's audit trail");
          return;
        }
      events = kith_server_audit_list (self->store, patient_id, NULL, &error);
    }
  if (events == NULL)
    {
      kith_server_respond_error (msg, error, NULL);
      return;
    }
  respond_audit_bundle (self, msg, events, patient_id);
}

static gboolean
coding_code_is (JsonNode   *node,
                const char *code)
{
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  return g_strcmp0 (kith_fhir_get_string (object, "code"), code) == 0;
}

/* POST [base]/AuditEvent: a client reports an export or a print of a
 * person's record. Who, when and from where come from the request. */
static void
handle_audit_create (KithFhirServer       *self,
                     SoupServerMessage    *msg,
                     const KithRouteMatch *match)
{
  KithRequestInfo *info = get_request_info (msg);
  g_autoptr(JsonObject) event = NULL;
  g_autoptr(KithStoreVersion) person = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *subtypes;
  JsonArray *entities;
  JsonArray *purposes;
  const char *subtype = NULL;
  const char *patient_id = NULL;
  const char *reason = NULL;

  info->subtype = "create";
  if (!(event = read_small_json (msg, "The AuditEvent")))
    return;
  if (g_strcmp0 (kith_fhir_get_string (event, "resourceType"), "AuditEvent") != 0)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "Send an AuditEvent");
      return;
    }

  subtypes = kith_fhir_get_array (event, "subtype");
  for (guint i = 0; subtypes != NULL && i < json_array_get_length (subtypes); i++)
    {
      JsonNode *coding = json_array_get_element (subtypes, i);

      if (coding_code_is (coding, "export"))
        subtype = "export";
      else if (coding_code_is (coding, "print"))
        subtype = "print";
    }
  entities = kith_fhir_get_array (event, "entity");
  for (guint i = 0; entities != NULL && i < json_array_get_length (entities); i++)
    {
      JsonNode *node = json_array_get_element (entities, i);
      JsonObject *what = JSON_NODE_HOLDS_OBJECT (node)
                         ? kith_fhir_get_object (json_node_get_object (node), "what") : NULL;
      const char *id = kith_fhir_reference_id (kith_fhir_get_string (what, "reference"), "Patient");

      if (id != NULL && patient_id != NULL && !g_str_equal (id, patient_id))
        {
          kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                       "One AuditEvent is about one person");
          return;
        }
      if (id != NULL)
        patient_id = id;
    }
  if (subtype == NULL || patient_id == NULL || !kith_fhir_is_valid_id (patient_id))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "An AuditEvent from a client says what was done (subtype code "
                                   "export or print) and to whose record (entity.what "
                                   "Patient/[id])");
      return;
    }
  info->subtype = subtype;
  note_entity (msg, "Patient", patient_id, NULL);

  person = kith_store_query_current (self->store, "Patient", patient_id, &error);
  if (person == NULL || person->resource == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, KITH_STORE_ERROR,
                             person == NULL ? KITH_STORE_ERROR_NOT_FOUND : KITH_STORE_ERROR_GONE, "");
      kith_server_respond_error (msg, error, "Patient");
      return;
    }
  /* Only a record the user may see can be exported or printed. */
  if (!kith_access_knows_patient (request_access (msg), patient_id, &error))
    {
      if (error != NULL)
        kith_server_respond_error (msg, error, NULL);
      else
        respond_refused (msg, patient_id, KITH_ACCESS_DENY_NOT_CARE_TEAM);
      return;
    }

  purposes = kith_fhir_get_array (event, "purposeOfEvent");
  if (purposes != NULL && json_array_get_length (purposes) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (purposes, 0)))
    reason = kith_fhir_get_string (json_array_get_object_element (purposes, 0), "text");
  if (reason != NULL && g_utf8_strlen (reason, -1) <= KITH_SERVER_BREAK_GLASS_MAX_REASON)
    info->reason = g_strdup (reason);

  note_patient (msg, patient_id);
  soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
}

/* --- signing in ------------------------------------------------------------ */

static void
wipe_string (char *text)
{
  if (text != NULL)
    sodium_memzero (text, strlen (text));
}

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_object (&sign_in->msg);
  g_free (sign_in->username);
  wipe_string (sign_in->password);
  g_free (sign_in->password);
  g_free (sign_in->address);
  g_free (sign_in->hash);
  kith_server_user_free (sign_in->user);
  g_free (sign_in);
}

static gboolean
is_form_or_json (const char *content_type,
                 gboolean   *json)
{
  *json = content_type != NULL && g_ascii_strcasecmp (content_type, "application/json") == 0;
  return *json || (content_type != NULL &&
                   g_ascii_strcasecmp (content_type, "application/x-www-form-urlencoded") == 0);
}

/* The user name and password of a sign-in, from a form or JSON body; FALSE
 * after answering when they are not there. */
static gboolean
read_sign_in_body (SoupServerMessage  *msg,
                   char              **username,
                   char              **password)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = NULL;
  const char *content_type;
  const char *data;
  gboolean json;
  gsize length;

  content_type = soup_message_headers_get_content_type (headers, NULL);
  if (!is_form_or_json (content_type, &json))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                                   KITH_ISSUE_NOT_SUPPORTED,
                                   "Send username and password as "
                                   "application/x-www-form-urlencoded or application/json");
      return FALSE;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &length);
  if (length > KITH_FHIR_SERVER_MAX_SIGN_IN_BODY)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                   KITH_ISSUE_TOO_COSTLY, "The sign-in request is too large");
      return FALSE;
    }
  if (length == 0 || !g_utf8_validate_len (data, length, NULL))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "Send a username and a password, as UTF-8 text");
      return FALSE;
    }

  if (json)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;

      if (json_parser_load_from_data (parser, data, length, NULL) &&
          (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          *username = g_strdup (kith_fhir_get_string (json_node_get_object (root), "username"));
          *password = g_strdup (kith_fhir_get_string (json_node_get_object (root), "password"));
        }
    }
  else
    {
      g_autofree char *text = g_strndup (data, length);
      g_autoptr(GHashTable) form = soup_form_decode (text);
      GHashTableIter iter;
      gpointer value;

      *username = g_strdup (g_hash_table_lookup (form, "username"));
      *password = g_strdup (g_hash_table_lookup (form, "password"));
      /* The decoded copies are not left lying about. */
      g_hash_table_iter_init (&iter, form);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        wipe_string (value);
      wipe_string (text);
    }

  if (*username == NULL || **username == '\0' || *password == NULL || **password == '\0')
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "Give both a username and a password");
      return FALSE;
    }
  /* No such user can exist, so refusing at once tells nothing. */
  if (strlen (*username) > KITH_SERVER_USERNAME_MAX ||
      strlen (*password) > KITH_SERVER_PASSWORD_MAX_BYTES)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "The username or password is too long");
      return FALSE;
    }

  return TRUE;
}

/* Appends a sign-in's AuditEvent. */
static gboolean
audit_sign_in (KithFhirServer        *self,
               SoupServerMessage     *msg,
               const char            *username,
               const KithServerUser  *user,
               guint                  status,
               const char            *detail,
               GError               **error)
{
  KithAuditRecord record = { 0 };

  record.sign_in = TRUE;
  record.subtype = "login";
  record.action = 'E';
  record.status = status;
  record.user_id = user != NULL ? user->id : 0;
  record.user_name = user != NULL ? user->username : username;
  record.role = user != NULL ? user->role : NULL;
  record.address = soup_server_message_get_remote_host (msg);
  record.what = "POST " KITH_FHIR_SERVER_TOKEN_PATH;
  record.detail = detail;

  return kith_server_audit_write (self->store, &record, error);
}

static void
respond_token (KithFhirServer    *self,
               SoupServerMessage *msg,
               const char        *token)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *body;
  gsize length;

  /* The OAuth 2.0 token response (RFC 6749 §5.1). */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, "Bearer");
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, self->token_lifetime);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, &length);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Pragma", "no-cache");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, length);
}

/* After the password check: a token, or the same refusal whatever was
 * wrong; both with their AuditEvent, both held for the batch's commit. */
static void
finish_sign_in (KithFhirServer *self,
                SignIn         *sign_in)
{
  SoupServerMessage *msg = sign_in->msg;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gboolean accepted = sign_in->verified && sign_in->user != NULL && !sign_in->user->disabled;
  gboolean began = FALSE, ok;
  const char *detail = NULL;

  kith_sign_in_limiter_end (self->limiter, sign_in->username, sign_in->address, accepted,
                            g_get_monotonic_time ());

  if (!batch_join (self, msg))
    {
      soup_server_message_unpause (msg);
      return;
    }

  if (!accepted)
    detail = sign_in->user == NULL ? "no such user"
             : sign_in->user->disabled ? "account disabled" : "wrong password";

  ok = began = kith_store_begin (self->store, &error);
  if (ok && accepted)
    ok = (token = kith_server_token_issue (self->store, sign_in->user->id, self->token_lifetime,
                                           &error)) != NULL;
  if (ok && self->audit)
    ok = audit_sign_in (self, msg, sign_in->username, sign_in->user,
                        accepted ? SOUP_STATUS_OK : SOUP_STATUS_UNAUTHORIZED, detail, &error);
  if (ok)
    ok = kith_store_commit (self->store, &error);
  else if (began)
    kith_store_rollback (self->store);

  if (!ok)
    {
      g_warning ("Could not record a sign-in: %s", error->message);
      respond_batch_failed (msg, NULL);
    }
  else if (accepted)
    respond_token (self, msg, token);
  else
    kith_server_respond_outcome (msg, SOUP_STATUS_UNAUTHORIZED, KITH_ISSUE_LOGIN,
                                 "The username or password is not right");

  wipe_string (token);
  batch_hold (self, msg, TRUE);
}

static void
check_password_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  SignIn *sign_in = task_data;

  sign_in->verified = kith_server_password_verify (sign_in->hash, sign_in->password);
  wipe_string (sign_in->password);
  g_task_return_boolean (task, TRUE);
}

static void start_password_checks (KithFhirServer *self);

static void
on_password_checked_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  KithFhirServer *self = KITH_FHIR_SERVER (source);

  g_assert (self->checking > 0);
  self->checking--;
  if (self->store != NULL)
    finish_sign_in (self, g_task_get_task_data (G_TASK (result)));
  start_password_checks (self);
}

static void
start_password_checks (KithFhirServer *self)
{
  while (self->checking < KITH_FHIR_SERVER_MAX_CHECKING &&
         !g_queue_is_empty (&self->sign_ins_waiting))
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, on_password_checked_cb, NULL);

      g_task_set_task_data (task, g_queue_pop_head (&self->sign_ins_waiting),
                            (GDestroyNotify) sign_in_free);
      self->checking++;
      g_task_run_in_thread (task, check_password_thread);
    }
}

/* 429: too many failures for this name or from this address. Which of the
 * two is not said. */
static void
refuse_throttled (KithFhirServer    *self,
                  SoupServerMessage *msg,
                  const char        *username,
                  guint              wait_s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *retry_after = g_strdup_printf ("%u", wait_s);
  g_autofree char *text =
    g_strdup_printf ("Too many failed sign-ins: try again in %u minute%s", (wait_s + 59) / 60,
                     (wait_s + 59) / 60 == 1 ? "" : "s");

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", retry_after);
  kith_server_respond_outcome (msg, HTTP_TOO_MANY_REQUESTS, KITH_ISSUE_THROTTLED, text);
  if (!self->audit)
    return;
  if (!batch_join (self, msg))
    return;
  if (!audit_sign_in (self, msg, username, NULL, HTTP_TOO_MANY_REQUESTS,
                      "too many failed sign-ins", &error))
    {
      g_warning ("Could not record a sign-in: %s", error->message);
      respond_batch_failed (msg, NULL);
    }
  batch_hold (self, msg, FALSE);
}

static void
on_auth_token_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  KithFhirServer *self = KITH_FHIR_SERVER (user_data);
  KithRequestInfo *info = get_request_info (msg);
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  g_autoptr(GError) error = NULL;
  const char *address = soup_server_message_get_remote_host (msg);
  SignIn *sign_in;
  guint wait_s;

  g_free (info->log_path);
  info->log_path = g_strdup (KITH_FHIR_SERVER_TOKEN_PATH);

  if (g_strcmp0 (path, KITH_FHIR_SERVER_TOKEN_PATH) != 0)
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_NOT_FOUND, KITH_ISSUE_NOT_FOUND,
                                   "Sign in at " KITH_FHIR_SERVER_TOKEN_PATH);
      return;
    }
  if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "POST");
      kith_server_respond_outcome (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, KITH_ISSUE_NOT_SUPPORTED,
                                   "Sign in with POST");
      return;
    }
  if (!read_sign_in_body (msg, &username, &password))
    {
      wipe_string (password);
      return;
    }
  if (address == NULL)
    address = "unknown";

  wait_s = kith_sign_in_limiter_check (self->limiter, username, address, g_get_monotonic_time ());
  if (wait_s > 0)
    {
      wipe_string (password);
      refuse_throttled (self, msg, username, wait_s);
      return;
    }
  if (g_queue_get_length (&self->sign_ins_waiting) >= KITH_FHIR_SERVER_MAX_WAITING)
    {
      wipe_string (password);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      kith_server_respond_outcome (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, KITH_ISSUE_TRANSIENT,
                                   "Too many people are signing in at once; try again");
      return;
    }

  sign_in = g_new0 (SignIn, 1);
  sign_in->msg = g_object_ref (msg);
  sign_in->username = g_steal_pointer (&username);
  sign_in->password = g_steal_pointer (&password);
  sign_in->address = g_strdup (address);
  sign_in->user = kith_server_user_lookup (self->store, sign_in->username, &sign_in->hash, &error);
  if (error != NULL)
    {
      kith_server_respond_error (msg, error, NULL);
      sign_in_free (sign_in);
      return;
    }
  /* An unknown name costs the same check as a known one. */
  if (sign_in->user == NULL || sign_in->hash == NULL)
    {
      g_free (sign_in->hash);
      sign_in->hash = g_strdup (self->dummy_hash);
    }

  kith_sign_in_limiter_begin (self->limiter, sign_in->username, sign_in->address);
  soup_server_message_pause (msg);
  g_queue_push_tail (&self->sign_ins_waiting, sign_in);
  start_password_checks (self);
}

/* --- callbacks ------------------------------------------------------------- */

/* Answers 413 without keeping the body, which libsoup still reads (and
 * drops) before replying; the connection is closed afterwards. */
static void
refuse_oversized_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (soup_server_message_get_status (msg) != 0)
    return;

  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  kith_server_respond_outcome (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, KITH_ISSUE_TOO_COSTLY,
                               "The body is larger than 5 MB");
}

static void
on_message_got_headers_cb (SoupServerMessage *msg,
                           gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > KITH_FHIR_SERVER_MAX_BODY)
    refuse_oversized_body (msg);
}

static void
on_message_got_chunk_cb (SoupServerMessage *msg,
                         GBytes            *chunk,
                         gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  /* Chunked bodies have no length up front. */
  if (body->length > KITH_FHIR_SERVER_MAX_BODY)
    refuse_oversized_body (msg);
}

static void
on_soup_server_request_started_cb (SoupServer        *server,
                                   SoupServerMessage *msg,
                                   gpointer           user_data)
{
  get_request_info (msg);

  g_signal_connect (msg, "got-headers", G_CALLBACK (on_message_got_headers_cb), NULL);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_message_got_chunk_cb), NULL);
}

static void
on_soup_server_request_finished_cb (SoupServer        *server,
                                    SoupServerMessage *msg,
                                    gpointer           user_data)
{
  KithRequestInfo *info = get_request_info (msg);
  const char *method = soup_server_message_get_method (msg);
  double elapsed_ms = (g_get_monotonic_time () - info->started_at) / 1000.0;

  /* Method, route shape, status and time only: never ids or bodies. */
  g_info ("%s %s %u %.1f ms",
          method != NULL ? method : "-",
          info->log_path != NULL ? info->log_path : "-",
          soup_server_message_get_status (msg),
          elapsed_ms);
}

static void
on_soup_server_request_aborted_cb (SoupServer        *server,
                                   SoupServerMessage *msg,
                                   gpointer           user_data)
{
  KithRequestInfo *info = get_request_info (msg);

  g_info ("%s %s aborted",
          soup_server_message_get_method (msg) != NULL
            ? soup_server_message_get_method (msg) : "-",
          info->log_path != NULL ? info->log_path : "-");
}

static void
on_fhir_request_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  KithFhirServer *self = KITH_FHIR_SERVER (user_data);

  /* With raw-paths set, @path is exactly as sent, still percent-encoded;
   * route_request decodes it one segment at a time. Interactions read the
   * raw query themselves (libsoup's table keeps one value per name). */
  route_request (self, msg, path != NULL ? path : "");
}

/* --- GObject --------------------------------------------------------------- */

static void
kith_fhir_server_dispose (GObject *object)
{
  KithFhirServer *self = (KithFhirServer *)object;

  /* What was done is kept, even when its replies can no longer go out. */
  if (self->store != NULL)
    batch_finish (self, TRUE);
  g_queue_clear_full (&self->sign_ins_waiting, (GDestroyNotify) sign_in_free);

  if (self->soup_server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->soup_server, self);
      soup_server_remove_handler (self->soup_server, NULL);
      soup_server_disconnect (self->soup_server);
      g_clear_object (&self->soup_server);
    }
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kith_fhir_server_parent_class)->dispose (object);
}

static void
kith_fhir_server_finalize (GObject *object)
{
  KithFhirServer *self = (KithFhirServer *)object;

  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->capability_statement, json_object_unref);
  g_clear_pointer (&self->batch_held, g_ptr_array_unref);
  g_clear_object (&self->tls_certificate);
  g_clear_pointer (&self->public_base_url, g_free);
  g_clear_pointer (&self->limiter, kith_sign_in_limiter_free);
  g_clear_pointer (&self->dummy_hash, g_free);

  G_OBJECT_CLASS (kith_fhir_server_parent_class)->finalize (object);
}

static void
kith_fhir_server_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KithFhirServer *self = KITH_FHIR_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_fhir_server_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  KithFhirServer *self = KITH_FHIR_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_assert (self->store == NULL);
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_fhir_server_constructed (GObject *object)
{
  KithFhirServer *self = (KithFhirServer *)object;

  G_OBJECT_CLASS (kith_fhir_server_parent_class)->constructed (object);

  g_assert (KITH_IS_STORE (self->store));

  /* raw-paths: we decode segment by segment, so an escaped '/' can never
   * turn into a path separator. */
  self->soup_server = soup_server_new ("server-header", "kith-server",
                                       "raw-paths", TRUE,
                                       NULL);
  soup_server_add_handler (self->soup_server, NULL, on_fhir_request_cb, self, NULL);
  soup_server_add_handler (self->soup_server, KITH_FHIR_SERVER_TOKEN_PATH, on_auth_token_cb,
                           self, NULL);
  g_signal_connect (self->soup_server, "request-started",
                    G_CALLBACK (on_soup_server_request_started_cb), self);
  g_signal_connect (self->soup_server, "request-finished",
                    G_CALLBACK (on_soup_server_request_finished_cb), self);
  g_signal_connect (self->soup_server, "request-aborted",
                    G_CALLBACK (on_soup_server_request_aborted_cb), self);
}

static void
kith_fhir_server_class_init (KithFhirServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = kith_fhir_server_constructed;
  object_class->dispose = kith_fhir_server_dispose;
  object_class->finalize = kith_fhir_server_finalize;
  object_class->get_property = kith_fhir_server_get_property;
  object_class->set_property = kith_fhir_server_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         KITH_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kith_fhir_server_init (KithFhirServer *self)
{
  self->batch_held = g_ptr_array_new_with_free_func (g_object_unref);
  self->token_lifetime = KITH_FHIR_SERVER_DEFAULT_TOKEN_LIFETIME;
  self->audit = TRUE;
  self->access_checks = TRUE;
  self->break_glass_lifetime = KITH_SERVER_DEFAULT_BREAK_GLASS_LIFETIME;
  self->limiter = kith_sign_in_limiter_new ();
  g_queue_init (&self->sign_ins_waiting);
}

GInetSocketAddress *
kith_fhir_server_parse_listen_address (const char  *text,
                                       GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *port_text;
  gboolean bracketed = FALSE;
  guint64 port;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close[1] != ':')
        {
          g_set_error (error, KITH_FHIR_SERVER_ERROR, KITH_FHIR_SERVER_ERROR_INVALID_ADDRESS,
                       "'%s' is not [IPv6]:PORT", text);
          return NULL;
        }
      host = g_strndup (text + 1, close - text - 1);
      port_text = close + 2;
      bracketed = TRUE;
    }
  else
    {
      const char *colon = strrchr (text, ':');

      if (colon == NULL)
        {
          g_set_error (error, KITH_FHIR_SERVER_ERROR, KITH_FHIR_SERVER_ERROR_INVALID_ADDRESS,
                       "'%s' is not ADDRESS:PORT", text);
          return NULL;
        }
      host = g_strndup (text, colon - text);
      port_text = colon + 1;
      if (strchr (host, ':') != NULL)
        {
          g_set_error (error, KITH_FHIR_SERVER_ERROR, KITH_FHIR_SERVER_ERROR_INVALID_ADDRESS,
                       "Put an IPv6 address in brackets, as in [::1]:PORT");
          return NULL;
        }
    }

  if (!bracketed && g_ascii_strcasecmp (host, "localhost") == 0)
    {
      g_free (host);
      host = g_strdup ("127.0.0.1");
    }

  address = g_inet_address_new_from_string (host);
  if (address == NULL ||
      bracketed != (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6))
    {
      g_set_error (error, KITH_FHIR_SERVER_ERROR, KITH_FHIR_SERVER_ERROR_INVALID_ADDRESS,
                   "'%s' is not an IP address (host names other than localhost are not looked up)",
                   host);
      return NULL;
    }

  if (!g_ascii_string_to_unsigned (port_text, 10, 0, G_MAXUINT16, &port, &local_error))
    {
      g_set_error (error, KITH_FHIR_SERVER_ERROR, KITH_FHIR_SERVER_ERROR_INVALID_ADDRESS,
                   "'%s' is not a port number from 0 to 65535", port_text);
      return NULL;
    }

  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, (guint16) port));
}

gboolean
kith_fhir_server_address_is_loopback (GInetSocketAddress *address)
{
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), FALSE);

  return g_inet_address_get_is_loopback (g_inet_socket_address_get_address (address));
}

KithFhirServer *
kith_fhir_server_new (KithStore *store)
{
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  return g_object_new (KITH_TYPE_FHIR_SERVER,
                       "store", store,
                       NULL);
}

KithStore *
kith_fhir_server_get_store (KithFhirServer *self)
{
  g_return_val_if_fail (KITH_IS_FHIR_SERVER (self), NULL);

  return self->store;
}

void
kith_fhir_server_set_tls_certificate (KithFhirServer  *self,
                                      GTlsCertificate *certificate)
{
  g_return_if_fail (KITH_IS_FHIR_SERVER (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));
  g_return_if_fail (self->base_url == NULL);

  g_set_object (&self->tls_certificate, certificate);
  soup_server_set_tls_certificate (self->soup_server, certificate);
}

void
kith_fhir_server_set_public_base_url (KithFhirServer *self,
                                      const char     *base_url)
{
  g_return_if_fail (KITH_IS_FHIR_SERVER (self));
  g_return_if_fail (self->base_url == NULL);

  g_free (self->public_base_url);
  self->public_base_url = g_strdup (base_url);
  while (self->public_base_url != NULL && g_str_has_suffix (self->public_base_url, "/"))
    self->public_base_url[strlen (self->public_base_url) - 1] = '\0';
}

void
kith_fhir_server_set_token_lifetime (KithFhirServer *self,
                                     gint64          seconds)
{
  g_return_if_fail (KITH_IS_FHIR_SERVER (self));
  g_return_if_fail (seconds > 0);

  self->token_lifetime = seconds;
}

void
kith_fhir_server_set_audit (KithFhirServer *self,
                            gboolean        audit)
{
  g_return_if_fail (KITH_IS_FHIR_SERVER (self));

  self->audit = audit;
}

void
kith_fhir_server_set_access_checks (KithFhirServer *self,
                                    gboolean        access_checks)
{
  g_return_if_fail (KITH_IS_FHIR_SERVER (self));

  self->access_checks = access_checks;
}

void
kith_fhir_server_set_break_glass_lifetime (KithFhirServer *self,
                                           gint64          seconds)
{
  g_return_if_fail (KITH_IS_FHIR_SERVER (self));
  g_return_if_fail (seconds > 0);

  self->break_glass_lifetime = seconds;
}

/* The server's tables, and the hash that unknown user names are checked
 * against: a real Argon2id hash of a random password nobody knows. */
static gboolean
prepare_auth (KithFhirServer  *self,
              GError         **error)
{
  guint8 secret[24];
  char text[sodium_base64_ENCODED_LEN (sizeof secret, sodium_base64_VARIANT_ORIGINAL)];
  g_autoptr(GError) local_error = NULL;

  if (!kith_server_auth_init ())
    {
      g_set_error_literal (error, KITH_FHIR_SERVER_ERROR, KITH_FHIR_SERVER_ERROR_AUTH,
                           "libsodium cannot be initialised");
      return FALSE;
    }
  if (!kith_server_schema_prepare (self->store, &local_error))
    {
      g_set_error (error, KITH_FHIR_SERVER_ERROR, KITH_FHIR_SERVER_ERROR_AUTH,
                   "The user tables cannot be prepared: %s", local_error->message);
      return FALSE;
    }

  randombytes_buf (secret, sizeof secret);
  sodium_bin2base64 (text, sizeof text, secret, sizeof secret, sodium_base64_VARIANT_ORIGINAL);
  self->dummy_hash = kith_server_password_hash (text, &local_error);
  sodium_memzero (secret, sizeof secret);
  sodium_memzero (text, sizeof text);
  if (self->dummy_hash == NULL)
    {
      g_set_error (error, KITH_FHIR_SERVER_ERROR, KITH_FHIR_SERVER_ERROR_AUTH,
                   "Cannot hash passwords: %s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
kith_fhir_server_listen (KithFhirServer      *self,
                         GInetSocketAddress  *address,
                         GError             **error)
{
  g_autoptr(GSocketAddress) local_address = NULL;
  g_autofree char *host = NULL;
  GSList *listeners;
  GInetAddress *inet_address;
  const char *scheme = self->tls_certificate != NULL ? "https" : "http";

  g_return_val_if_fail (KITH_IS_FHIR_SERVER (self), FALSE);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), FALSE);
  g_return_val_if_fail (self->soup_server != NULL, FALSE);
  g_return_val_if_fail (self->base_url == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->tls_certificate == NULL && !kith_fhir_server_address_is_loopback (address))
    {
      g_set_error_literal (error, KITH_FHIR_SERVER_ERROR,
                           KITH_FHIR_SERVER_ERROR_INSECURE_ADDRESS,
                           "Plain HTTP is only allowed on a loopback address "
                           "(127.0.0.0/8 or ::1); give a TLS certificate and key for others");
      return FALSE;
    }

  if (self->dummy_hash == NULL && !prepare_auth (self, error))
    return FALSE;

  if (!soup_server_listen (self->soup_server, G_SOCKET_ADDRESS (address),
                           self->tls_certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return FALSE;

  listeners = soup_server_get_listeners (self->soup_server);
  if (listeners != NULL)
    local_address = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);
  if (local_address == NULL || !G_IS_INET_SOCKET_ADDRESS (local_address))
    {
      soup_server_disconnect (self->soup_server);
      g_set_error_literal (error, KITH_FHIR_SERVER_ERROR, KITH_FHIR_SERVER_ERROR_LISTEN,
                           "Could not find the address the server is listening on");
      return FALSE;
    }

  inet_address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local_address));
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local_address));
  host = g_inet_address_to_string (inet_address);
  if (self->public_base_url != NULL)
    self->base_url = g_strdup (self->public_base_url);
  else if (g_inet_address_get_family (inet_address) == G_SOCKET_FAMILY_IPV6)
    self->base_url = g_strdup_printf ("%s://[%s]:%u" KITH_FHIR_SERVER_BASE_PATH,
                                      scheme, host, self->port);
  else
    self->base_url = g_strdup_printf ("%s://%s:%u" KITH_FHIR_SERVER_BASE_PATH,
                                      scheme, host, self->port);

  self->capability_statement = build_capability_statement (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);

  return TRUE;
}

guint16
kith_fhir_server_get_port (KithFhirServer *self)
{
  g_return_val_if_fail (KITH_IS_FHIR_SERVER (self), 0);

  return self->port;
}

const char *
kith_fhir_server_get_base_url (KithFhirServer *self)
{
  g_return_val_if_fail (KITH_IS_FHIR_SERVER (self), NULL);

  return self->base_url;
}

void
kith_fhir_server_disconnect (KithFhirServer *self)
{
  g_return_if_fail (KITH_IS_FHIR_SERVER (self));

  /* Sign-ins not yet begun are dropped; those under way end first (a
   * fraction of a second), so they are recorded and nothing is left
   * running. */
  g_queue_clear_full (&self->sign_ins_waiting, (GDestroyNotify) sign_in_free);
  while (self->checking > 0)
    g_main_context_iteration (NULL, TRUE);

  /* Commit what was done first; the held replies are lost with their
   * connections, and clients retry (harmlessly). */
  batch_finish (self, TRUE);

  if (self->soup_server != NULL)
    soup_server_disconnect (self->soup_server);
}
