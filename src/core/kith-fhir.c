/* kith-fhir.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-fhir"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-fhir.h"
#include "kith-types.h"

G_DEFINE_QUARK (kith-fhir-error-quark, kith_fhir_error)

/* The FHIR R4 resource types Kith stores (architecture.md, "Data"). Anything
 * else is refused rather than stored blind. Sorted for bsearch. */
static const char * const known_types[] = {
  "AuditEvent",
  "CarePlan",
  "CareTeam",
  "Communication",
  "Condition",
  "Consent",
  "Encounter",
  "EpisodeOfCare",          /* the virtual ward */
  "Flag",
  "Goal",
  "MedicationRequest",      /* counted for polypharmacy in the frailty index */
  "MedicationStatement",
  "Observation",
  "Organization",
  "Patient",
  "Practitioner",
  "PractitionerRole",
  "Provenance",
  "Questionnaire",
  "QuestionnaireResponse",
  "RelatedPerson",
  "RiskAssessment",         /* a clinician's tier override, an imported risk score */
  "ServiceRequest",
  "Task",
};

static int
compare_type (const void *key,
              const void *member)
{
  return strcmp (key, *(const char * const *) member);
}

gboolean
kith_fhir_is_known_type (const char *resource_type)
{
  if (resource_type == NULL)
    return FALSE;
  return bsearch (resource_type, known_types, G_N_ELEMENTS (known_types),
                  sizeof known_types[0], compare_type) != NULL;
}

/* FHIR R4 id: [A-Za-z0-9\-\.]{1,64} */
gboolean
kith_fhir_is_valid_id (const char *id)
{
  gsize len;

  if (id == NULL)
    return FALSE;
  len = strlen (id);
  if (len == 0 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '.')
      return FALSE;
  return TRUE;
}

char *
kith_fhir_new_id (void)
{
  return g_uuid_string_random ();
}

char *
kith_fhir_format_instant (GDateTime *when)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (when);
  g_autofree char *base = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (utc) / 1000);
}

char *
kith_fhir_now_instant (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return kith_fhir_format_instant (now);
}

/* Walks the text once, counting nesting outside strings, so a hostile
 * "[[[[…" is refused before json-glib recurses into it. */
static gboolean
check_nesting (const char *json,
               gsize       length,
               GError    **error)
{
  int depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = json[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > KITH_FHIR_MAX_DEPTH)
            {
              g_set_error (error, KITH_FHIR_ERROR, KITH_FHIR_ERROR_MALFORMED,
                           _("The data is nested more than %d levels deep"),
                           KITH_FHIR_MAX_DEPTH);
              return FALSE;
            }
        }
      else if (c == '}' || c == ']')
        depth--;
    }
  return TRUE;
}

JsonObject *
kith_fhir_parse_resource (const char  *json,
                          gssize       length,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *type;
  const char *id;

  g_return_val_if_fail (json != NULL, NULL);

  if (length < 0)
    length = strlen (json);

  if (!check_nesting (json, length, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, KITH_FHIR_ERROR, KITH_FHIR_ERROR_MALFORMED,
                   _("The data is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, KITH_FHIR_ERROR, KITH_FHIR_ERROR_NOT_RESOURCE,
                           _("The data is not a FHIR resource: expected a JSON object"));
      return NULL;
    }

  object = json_node_get_object (root);
  type = kith_fhir_get_string (object, "resourceType");
  if (type == NULL)
    {
      g_set_error_literal (error, KITH_FHIR_ERROR, KITH_FHIR_ERROR_NOT_RESOURCE,
                           _("The data is not a FHIR resource: it has no resourceType"));
      return NULL;
    }
  if (!kith_fhir_is_known_type (type))
    {
      g_set_error (error, KITH_FHIR_ERROR, KITH_FHIR_ERROR_UNKNOWN_TYPE,
                   _("Kith does not hold resources of type “%s”"), type);
      return NULL;
    }
  if (json_object_has_member (object, "id") &&
      !kith_fhir_is_valid_id ((id = kith_fhir_get_string (object, "id"))))
    {
      g_set_error_literal (error, KITH_FHIR_ERROR, KITH_FHIR_ERROR_INVALID_ID,
                           _("The resource id is not a valid FHIR id"));
      return NULL;
    }

  return json_object_ref (object);
}

char *
kith_fhir_to_string (JsonObject *resource,
                     gboolean    pretty)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, resource);
  return json_to_string (node, pretty);
}

/* A string member, or NULL when absent or not a string. */
const char *
kith_fhir_get_string (JsonObject *object,
                      const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* "Patient/123" with expected_type "Patient" gives "123" */
const char *
kith_fhir_reference_id (const char *reference,
                        const char *expected_type)
{
  gsize len;

  if (reference == NULL || expected_type == NULL)
    return NULL;
  len = strlen (expected_type);
  if (strncmp (reference, expected_type, len) != 0 || reference[len] != '/')
    return NULL;
  if (!kith_fhir_is_valid_id (reference + len + 1))
    return NULL;
  return reference + len + 1;
}

JsonObject *
kith_fhir_get_object (JsonObject *object,
                      const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
kith_fhir_get_array (JsonObject *object,
                     const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonNode *
kith_fhir_get_extension (JsonObject *element,
                         const char *url,
                         const char *value_member)
{
  JsonNode *list = element ? json_object_get_member (element, "extension") : NULL;

  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (list), i);

      if (JSON_NODE_HOLDS_OBJECT (e) &&
          g_strcmp0 (kith_fhir_get_string (json_node_get_object (e), "url"), url) == 0)
        return json_object_get_member (json_node_get_object (e), value_member);
    }
  return NULL;
}

/* Replaces (or adds, or with @value NULL removes) a simple extension.
 * Takes @value. */
void
kith_fhir_set_extension (JsonObject *element,
                         const char *url,
                         const char *value_member,
                         JsonNode   *value)
{
  JsonNode *list = json_object_get_member (element, "extension");
  JsonArray *kept = json_array_new ();

  if (list && JSON_NODE_HOLDS_ARRAY (list))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
      {
        JsonNode *e = json_array_get_element (json_node_get_array (list), i);

        if (!JSON_NODE_HOLDS_OBJECT (e) ||
            g_strcmp0 (kith_fhir_get_string (json_node_get_object (e), "url"), url) != 0)
          json_array_add_element (kept, json_node_copy (e));
      }
  if (value)
    {
      JsonObject *extension = json_object_new ();

      json_object_set_string_member (extension, "url", url);
      json_object_set_member (extension, value_member, value);
      json_array_add_object_element (kept, extension);
    }
  if (json_array_get_length (kept) > 0)
    json_object_set_array_member (element, "extension", kept);
  else
    {
      json_array_unref (kept);
      if (json_object_has_member (element, "extension"))
        json_object_remove_member (element, "extension");
    }
}

const char *
kith_fhir_get_extension_string (JsonObject *element,
                                const char *url,
                                const char *value_member)
{
  JsonNode *node = kith_fhir_get_extension (element, url, value_member);

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

void
kith_fhir_set_extension_string (JsonObject *element,
                                const char *url,
                                const char *value_member,
                                const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  kith_fhir_set_extension (element, url, value_member, node);
}

JsonObject *
kith_fhir_new_concept (const char *system,
                       const char *code,
                       const char *display)
{
  JsonObject *concept = json_object_new ();
  JsonArray *codings = json_array_new ();
  JsonObject *coding = json_object_new ();

  json_object_set_string_member (coding, "system", system);
  json_object_set_string_member (coding, "code", code);
  if (display)
    json_object_set_string_member (coding, "display", display);
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (concept, "coding", codings);
  return concept;
}

JsonObject *
kith_fhir_new_reference (const char *type,
                         const char *id,
                         const char *display)
{
  JsonObject *ref = json_object_new ();
  g_autofree char *text = g_strdup_printf ("%s/%s", type, id);

  json_object_set_string_member (ref, "reference", text);
  if (display)
    json_object_set_string_member (ref, "display", display);
  return ref;
}

static const char *
reference_in_extension (JsonObject *resource,
                        const char *url,
                        const char *type)
{
  JsonNode *value = kith_fhir_get_extension (resource, url, "valueReference");

  if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
    return NULL;
  return kith_fhir_reference_id (kith_fhir_get_string (json_node_get_object (value), "reference"), type);
}

static const char *
first_coding_code (JsonNode *concept)
{
  JsonNode *codings;

  if (concept && JSON_NODE_HOLDS_ARRAY (concept))
    concept = json_array_get_length (json_node_get_array (concept)) > 0
              ? json_array_get_element (json_node_get_array (concept), 0) : NULL;
  if (concept == NULL || !JSON_NODE_HOLDS_OBJECT (concept))
    return NULL;
  codings = json_object_get_member (json_node_get_object (concept), "coding");
  if (codings == NULL || !JSON_NODE_HOLDS_ARRAY (codings) ||
      json_array_get_length (json_node_get_array (codings)) == 0)
    return NULL;
  concept = json_array_get_element (json_node_get_array (codings), 0);
  return JSON_NODE_HOLDS_OBJECT (concept) ? kith_fhir_get_string (json_node_get_object (concept), "code") : NULL;
}

const char *
kith_fhir_resource_code (JsonObject *resource)
{
  const char *type = kith_fhir_get_string (resource, "resourceType");

  if (g_strcmp0 (type, "QuestionnaireResponse") == 0)
    return kith_fhir_get_string (resource, "questionnaire");
  if (g_strcmp0 (type, "Observation") == 0)
    return first_coding_code (json_object_get_member (resource, "code"));
  if (g_strcmp0 (type, "Condition") == 0 || g_strcmp0 (type, "Flag") == 0 ||
      g_strcmp0 (type, "ServiceRequest") == 0)
    return first_coding_code (json_object_get_member (resource, "category"));
  /* The referrals inbox, the diary and the meetings list find these by
   * code (kith_store_list_by_code()). */
  if (g_strcmp0 (type, "Task") == 0)
    return first_coding_code (json_object_get_member (resource, "code"));
  if (g_strcmp0 (type, "Encounter") == 0 || g_strcmp0 (type, "EpisodeOfCare") == 0)
    return first_coding_code (json_object_get_member (resource, "type"));
  return NULL;
}

const char *
kith_fhir_resource_assessment (JsonObject *resource)
{
  if (g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "QuestionnaireResponse") == 0 &&
      g_strcmp0 (kith_fhir_get_string (resource, "questionnaire"), KITH_HOLISTIC_ASSESSMENT_URL) == 0)
    return kith_fhir_get_string (resource, "id");
  return reference_in_extension (resource, KITH_FHIR_SD "part-of-assessment", "QuestionnaireResponse");
}

const char *
kith_fhir_resource_patient (JsonObject *resource)
{
  const char *type = kith_fhir_get_string (resource, "resourceType");
  static const char * const members[] = { "subject", "patient", "for", "beneficiary" };
  const char *cared_for;

  if (g_strcmp0 (type, "Patient") == 0)
    return kith_fhir_get_string (resource, "id");
  /* A carer's own records are filed with the person they care for. */
  if ((cared_for = reference_in_extension (resource, KITH_FHIR_SD "cared-for", "Patient")) != NULL)
    return cared_for;

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonObject *ref = kith_fhir_get_object (resource, members[i]);
      const char *id = kith_fhir_reference_id (kith_fhir_get_string (ref, "reference"), "Patient");

      if (id != NULL)
        return id;
    }
  return NULL;
}

const char *
kith_fhir_get_version_id (JsonObject *resource)
{
  return kith_fhir_get_string (kith_fhir_get_object (resource, "meta"), "versionId");
}

const char *
kith_fhir_get_last_updated (JsonObject *resource)
{
  return kith_fhir_get_string (kith_fhir_get_object (resource, "meta"), "lastUpdated");
}

void
kith_fhir_set_meta (JsonObject *resource,
                    const char *version_id,
                    const char *last_updated)
{
  JsonObject *meta = kith_fhir_get_object (resource, "meta");

  if (meta == NULL)
    {
      meta = json_object_new ();
      json_object_set_object_member (resource, "meta", meta);
    }
  json_object_set_string_member (meta, "versionId", version_id);
  json_object_set_string_member (meta, "lastUpdated", last_updated);
}

JsonNode *
kith_json_deep_copy (JsonNode *node)
{
  JsonNode *copy;

  if (node == NULL)
    return NULL;
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *source = json_node_get_object (node);
        JsonObject *object = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered (&iter, source);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          json_object_set_member (object, name, kith_json_deep_copy (member));
        copy = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (copy, object);
        return copy;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *source = json_node_get_array (node);
        JsonArray *array = json_array_sized_new (json_array_get_length (source));

        for (guint i = 0; i < json_array_get_length (source); i++)
          json_array_add_element (array, kith_json_deep_copy (json_array_get_element (source, i)));
        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, array);
        return copy;
      }
    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);   /* values are copied by value */
    }
}

JsonObject *
kith_fhir_copy_resource (JsonObject *resource)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;

  json_node_set_object (node, resource);
  copy = kith_json_deep_copy (node);
  return json_object_ref (json_node_get_object (copy));
}
