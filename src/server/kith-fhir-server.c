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
 * implements and the resource types it serves. The CapabilityStatement is
 * generated from the same table, so it only ever lists what is really
 * implemented. A new interaction is one handler function plus one row.
 */

#define G_LOG_DOMAIN "kith-server"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "kith-fhir.h"
#include "kith-fhir-server.h"
#include "kith-server-response.h"

/* Longer raw paths are refused with 414 before any other work. */
#define KITH_FHIR_SERVER_MAX_PATH     2048
/* No route has more segments than this below the base. */
#define KITH_FHIR_SERVER_MAX_SEGMENTS 8

struct _KithFhirServer
{
  GObject     parent_instance;

  KithStore  *store;
  SoupServer *soup_server;
  char       *base_url;
  guint16     port;

  /* Built once when listening starts: it names the listen address. */
  JsonObject *capability_statement;
};

/* What a matched route hands to its interaction. Every string here is
 * percent-decoded. @type is a known FHIR resource type served by the
 * route; @id and @vid are unchecked (each interaction validates them). */
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
  const char          *pattern;      /* below KITH_FHIR_SERVER_BASE_PATH */
  const char          *interaction;  /* CapabilityStatement code, NULL if none */
  const char * const  *types;        /* served types for {type}, NULL if no {type} */
  KithInteractionFunc  handle;
} KithRoute;

/* Per-request bookkeeping for the access log. */
typedef struct
{
  gint64  started_at;
  char   *log_path;   /* the route with only the resource type filled in */
} KithRequestInfo;

#define KITH_REQUEST_INFO_KEY "kith-fhir-server-request-info"

static void handle_capabilities (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_read         (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);
static void handle_vread        (KithFhirServer       *self,
                                 SoupServerMessage    *msg,
                                 const KithRouteMatch *match);

static const char * const patient_types[] = { "Patient", NULL };

/* Routes sharing a pattern must be adjacent. Put routes with literal
 * segments (such as "{type}/_history") before placeholder-only ones. */
static const KithRoute routes[] = {
  { "GET", "metadata",                   NULL,    NULL,          handle_capabilities },
  { "GET", "{type}/{id}",                "read",  patient_types, handle_read },
  { "GET", "{type}/{id}/_history/{vid}", "vread", patient_types, handle_vread },
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
strv_contains (const char * const *strv,
               const char         *str)
{
  return strv != NULL && g_strv_contains (strv, str);
}

/* The JSON array of the interactions the route table offers for @type. */
static void
add_type_interactions (JsonBuilder *builder,
                       const char  *type,
                       gboolean    *has_vread)
{
  json_builder_set_member_name (builder, "interaction");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (routes[i].interaction == NULL || !strv_contains (routes[i].types, type))
        continue;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, routes[i].interaction);
      json_builder_end_object (builder);

      if (g_str_equal (routes[i].interaction, "vread"))
        *has_vread = TRUE;
    }
  json_builder_end_array (builder);
}

static JsonObject *
build_capability_statement (KithFhirServer *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) types = g_ptr_array_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *date = kith_fhir_now_instant ();

  /* Every resource type some route serves, in table order. */
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      for (guint j = 0; routes[i].types != NULL && routes[i].types[j] != NULL; j++)
        {
          if (!g_ptr_array_find_with_equal_func (types, routes[i].types[j],
                                                 g_str_equal, NULL))
            g_ptr_array_add (types, (gpointer) routes[i].types[j]);
        }
    }

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
  json_builder_set_member_name (builder, "resource");
  json_builder_begin_array (builder);
  for (guint i = 0; i < types->len; i++)
    {
      const char *type = g_ptr_array_index (types, i);
      gboolean has_vread = FALSE;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, type);
      add_type_interactions (builder, type, &has_vread);
      if (has_vread)
        {
          /* Every version is kept and readable; updates are not offered
           * yet, so no If-Match ("versioned-update") is claimed. */
          json_builder_set_member_name (builder, "versioning");
          json_builder_add_string_value (builder, "versioned");
          json_builder_set_member_name (builder, "readHistory");
          json_builder_add_boolean_value (builder, TRUE);
        }
      json_builder_end_object (builder);
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

      if (match.type != NULL && !strv_contains (routes[i].types, match.type))
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
      /* A FHIR-shaped path the server has no route for yet: the base
       * (system interactions), a resource type, a keyword or an operation. */
      if (segments[0] == NULL || known_type != NULL ||
          segments[0][0] == '_' || segments[0][0] == '$')
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

  handler->handle (self, msg, &match);
}

/* Maps a store failure to a FHIR response; @type is a known type. */
static void
respond_store_error (SoupServerMessage *msg,
                     const char        *type,
                     const GError      *error)
{
  if (g_error_matches (error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND) ||
      g_error_matches (error, KITH_STORE_ERROR, KITH_STORE_ERROR_WRONG_TYPE))
    {
      g_autofree char *text = g_strdup_printf ("No %s resource or version has that id", type);

      kith_server_respond_outcome (msg, SOUP_STATUS_NOT_FOUND, KITH_ISSUE_NOT_FOUND, text);
    }
  else if (g_error_matches (error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE))
    {
      g_autofree char *text = g_strdup_printf ("That %s resource has been deleted", type);

      kith_server_respond_outcome (msg, SOUP_STATUS_GONE, KITH_ISSUE_DELETED, text);
    }
  else if (g_error_matches (error, KITH_STORE_ERROR, KITH_STORE_ERROR_BUSY))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      kith_server_respond_outcome (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "transient",
                                   "The store is busy; try again shortly");
    }
  else
    {
      /* Store messages name tables and sqlite states, never record contents. */
      g_warning ("Store failure while reading %s: %s (%s %d)", type, error->message,
                 g_quark_to_string (error->domain), error->code);
      kith_server_respond_outcome (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                   KITH_ISSUE_EXCEPTION, "Internal server error");
    }
}

static void
respond_versioned_resource (SoupServerMessage *msg,
                            JsonObject        *resource)
{
  kith_server_set_version_headers (msg, resource);
  kith_server_respond_resource (msg, SOUP_STATUS_OK, resource);
}

/* GET [base]/metadata */
static void
handle_capabilities (KithFhirServer       *self,
                     SoupServerMessage    *msg,
                     const KithRouteMatch *match)
{
  g_assert (self->capability_statement != NULL);

  kith_server_respond_resource (msg, SOUP_STATUS_OK, self->capability_statement);
}

/* GET [base]/[type]/[id] */
static void
handle_read (KithFhirServer       *self,
             SoupServerMessage    *msg,
             const KithRouteMatch *match)
{
  g_autoptr(JsonObject) resource = NULL;
  g_autoptr(GError) error = NULL;

  if (!kith_fhir_is_valid_id (match->id))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "The resource id is not a valid FHIR id");
      return;
    }

  resource = kith_store_read_resource (self->store, match->type, match->id, &error);
  if (resource == NULL)
    {
      respond_store_error (msg, match->type, error);
      return;
    }

  respond_versioned_resource (msg, resource);
}

/* GET [base]/[type]/[id]/_history/[vid] */
static void
handle_vread (KithFhirServer       *self,
              SoupServerMessage    *msg,
              const KithRouteMatch *match)
{
  g_autoptr(JsonObject) resource = NULL;
  g_autoptr(GError) error = NULL;

  if (!kith_fhir_is_valid_id (match->id))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "The resource id is not a valid FHIR id");
      return;
    }
  if (!kith_fhir_is_valid_id (match->vid))
    {
      kith_server_respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                                   "The version id is not a valid FHIR id");
      return;
    }

  resource = kith_store_read_version (self->store, match->type, match->id, match->vid, &error);
  if (resource == NULL)
    {
      respond_store_error (msg, match->type, error);
      return;
    }

  respond_versioned_resource (msg, resource);
}

static void
on_soup_server_request_started_cb (SoupServer        *server,
                                   SoupServerMessage *msg,
                                   gpointer           user_data)
{
  get_request_info (msg);
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
   * route_request decodes it one segment at a time. The query string is
   * not used by any interaction yet. */
  route_request (self, msg, path != NULL ? path : "");
}

static void
kith_fhir_server_dispose (GObject *object)
{
  KithFhirServer *self = (KithFhirServer *)object;

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

gboolean
kith_fhir_server_listen (KithFhirServer      *self,
                         GInetSocketAddress  *address,
                         GError             **error)
{
  g_autoptr(GSocketAddress) local_address = NULL;
  g_autofree char *host = NULL;
  GSList *listeners;
  GInetAddress *inet_address;

  g_return_val_if_fail (KITH_IS_FHIR_SERVER (self), FALSE);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), FALSE);
  g_return_val_if_fail (self->soup_server != NULL, FALSE);
  g_return_val_if_fail (self->base_url == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!kith_fhir_server_address_is_loopback (address))
    {
      g_set_error_literal (error, KITH_FHIR_SERVER_ERROR,
                           KITH_FHIR_SERVER_ERROR_INSECURE_ADDRESS,
                           "Plain HTTP is only allowed on a loopback address "
                           "(127.0.0.0/8 or ::1)");
      return FALSE;
    }

  if (!soup_server_listen (self->soup_server, G_SOCKET_ADDRESS (address), 0, error))
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
  if (g_inet_address_get_family (inet_address) == G_SOCKET_FAMILY_IPV6)
    self->base_url = g_strdup_printf ("http://[%s]:%u" KITH_FHIR_SERVER_BASE_PATH,
                                      host, self->port);
  else
    self->base_url = g_strdup_printf ("http://%s:%u" KITH_FHIR_SERVER_BASE_PATH,
                                      host, self->port);

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

  if (self->soup_server != NULL)
    soup_server_disconnect (self->soup_server);
}
