/* kith-fhir.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KITH_FHIR_ERROR (kith_fhir_error_quark ())

typedef enum
{
  KITH_FHIR_ERROR_MALFORMED,    /* not JSON, or too deeply nested */
  KITH_FHIR_ERROR_NOT_RESOURCE, /* JSON, but not a FHIR resource object */
  KITH_FHIR_ERROR_UNKNOWN_TYPE, /* a resourceType Kith does not hold */
  KITH_FHIR_ERROR_INVALID_ID,
} KithFhirError;

/* Deeper JSON than this is refused before parsing: no FHIR resource Kith
 * holds comes near it, and json-glib's parser recurses. */
#define KITH_FHIR_MAX_DEPTH 64

GQuark      kith_fhir_error_quark        (void);
gboolean    kith_fhir_is_known_type      (const char  *resource_type);
gboolean    kith_fhir_is_valid_id        (const char  *id);
char       *kith_fhir_new_id             (void);
char       *kith_fhir_format_instant     (GDateTime   *when);
char       *kith_fhir_now_instant        (void);
JsonObject *kith_fhir_parse_resource     (const char  *json,
                                          gssize       length,
                                          GError     **error);
char       *kith_fhir_to_string          (JsonObject  *resource,
                                          gboolean     pretty);
const char *kith_fhir_get_string         (JsonObject  *object,
                                          const char  *member);
/* A member that is an object or an array, or NULL (also for a NULL @object). */
JsonObject *kith_fhir_get_object         (JsonObject  *object,
                                          const char  *member);
JsonArray  *kith_fhir_get_array          (JsonObject  *object,
                                          const char  *member);
const char *kith_fhir_reference_id       (const char  *reference,
                                          const char  *expected_type);
/* The Patient id a resource belongs to (itself for a Patient), or NULL */
const char *kith_fhir_resource_patient   (JsonObject  *resource);
/* What the store indexes a resource by, beyond its type and patient: the
 * questionnaire of a response, the code of an Observation, the first
 * category of a Condition or Flag. */
const char *kith_fhir_resource_code      (JsonObject  *resource);
/* The holistic assessment a resource belongs to (its own id for the
 * assessment's envelope), or NULL */
const char *kith_fhir_resource_assessment (JsonObject *resource);
/* A Kith extension's value member on a resource, or NULL */
JsonNode   *kith_fhir_get_extension      (JsonObject  *element,
                                          const char  *url,
                                          const char  *value_member);
void        kith_fhir_set_extension      (JsonObject  *element,
                                          const char  *url,
                                          const char  *value_member,
                                          JsonNode    *value);
/* The string at a Kith extension's @value_member, or NULL (also for a
 * value that is not a string). */
const char *kith_fhir_get_extension_string (JsonObject *element,
                                            const char *url,
                                            const char *value_member);
void        kith_fhir_set_extension_string (JsonObject *element,
                                            const char *url,
                                            const char *value_member,
                                            const char *value);
/* A CodeableConcept of one Coding; @display may be NULL. */
JsonObject *kith_fhir_new_concept        (const char  *system,
                                          const char  *code,
                                          const char  *display);
JsonObject *kith_fhir_new_reference      (const char  *type,
                                          const char  *id,
                                          const char  *display);

/* A deep copy: json_node_copy() shares objects and arrays (json-glib 1.6),
 * so an edit to a "copy" would change the original too. */
JsonNode   *kith_json_deep_copy          (JsonNode    *node);
JsonObject *kith_fhir_copy_resource      (JsonObject  *resource);

/* meta.versionId / meta.lastUpdated, or NULL */
const char *kith_fhir_get_version_id     (JsonObject  *resource);
const char *kith_fhir_get_last_updated   (JsonObject  *resource);
void        kith_fhir_set_meta           (JsonObject  *resource,
                                          const char  *version_id,
                                          const char  *last_updated);

G_END_DECLS
