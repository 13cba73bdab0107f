/* kith-option-library.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-options"

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <glib/gi18n-lib.h>

#include "kith-fhir.h"
#include "kith-instrument-library.h"
#include "kith-option-library.h"

struct _KithOptionLibrary
{
  GHashTable *options;   /* id → KithOption */
};

void kith_core_register_resource (void);

static void
option_free (KithOption *option)
{
  g_free (option->id);
  g_free (option->title);
  g_free (option->summary);
  g_free (option->benefits);
  g_free (option->risks);
  g_free (option->practicalities);
  g_free (option->kind);
  g_free (option);
}

void
kith_option_library_free (KithOptionLibrary *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->options, g_hash_table_unref);
  g_free (self);
}

static KithOptionLibrary *
parse (const char  *data,
       gsize        length,
       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(KithOptionLibrary) self = g_new0 (KithOptionLibrary, 1);
  JsonNode *root;
  JsonObject *object;
  JsonNode *options;

  self->options = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) option_free);
  if (!json_parser_load_from_data (parser, data, length, error))
    return NULL;
  root = json_parser_get_root (parser);
  object = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  options = object ? json_object_get_member (object, "options") : NULL;
  if (g_strcmp0 (kith_fhir_get_string (object, "format"), "kith-option-library") != 0 ||
      options == NULL || !JSON_NODE_HOLDS_ARRAY (options))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The option library is not in the kith-option-library format"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (options)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (options), i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *defer = entry ? json_object_get_member (entry, "safe_to_defer") : NULL;
      KithOption *option;

      if (kith_fhir_get_string (entry, "id") == NULL || kith_fhir_get_string (entry, "title") == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Option %u in the library has no id or title"), i + 1);
          return NULL;
        }
      option = g_new0 (KithOption, 1);
      option->id = g_strdup (kith_fhir_get_string (entry, "id"));
      option->title = g_strdup (kith_fhir_get_string (entry, "title"));
      option->summary = g_strdup (kith_fhir_get_string (entry, "summary"));
      option->benefits = g_strdup (kith_fhir_get_string (entry, "benefits"));
      option->risks = g_strdup (kith_fhir_get_string (entry, "risks"));
      option->practicalities = g_strdup (kith_fhir_get_string (entry, "practicalities"));
      option->kind = g_strdup (kith_fhir_get_string (entry, "kind"));
      option->safe_to_defer = defer && json_node_get_value_type (defer) == G_TYPE_BOOLEAN && json_node_get_boolean (defer);
      g_hash_table_replace (self->options, option->id, option);
    }
  return g_steal_pointer (&self);
}

KithOptionLibrary *
kith_option_library_new_from_file (const char  *path,
                                   GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return parse (contents, length, error);
}

static KithOptionLibrary *
load_default (void)
{
  g_autofree char *practice = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *env = g_getenv ("KITH_OPTIONS");
  KithOptionLibrary *self;

  /* A practice's own library names its local services. */
  practice = env ? g_strdup (env) : g_build_filename (g_get_user_config_dir (), "kith", "options.json", NULL);
  if (g_file_test (practice, G_FILE_TEST_EXISTS))
    {
      if ((self = kith_option_library_new_from_file (practice, &error)) != NULL)
        return self;
      g_warning ("The practice option library cannot be read, so Kith's own is used: %s", error->message);
      g_clear_error (&error);
    }

  kith_instrument_library_get_default ();  /* registers the core resources */
  bytes = g_resources_lookup_data ("/care/kith/Kith/options/options.json", G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL || !(self = parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error)))
    {
      g_critical ("The bundled option library cannot be loaded: %s", error->message);
      self = g_new0 (KithOptionLibrary, 1);
      self->options = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) option_free);
    }
  return self;
}

KithOptionLibrary *
kith_option_library_get_default (void)
{
  static KithOptionLibrary *library;

  if (g_once_init_enter (&library))
    g_once_init_leave (&library, load_default ());
  return library;
}

const KithOption *
kith_option_library_lookup (KithOptionLibrary *self,
                            const char        *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  return id ? g_hash_table_lookup (self->options, id) : NULL;
}

GPtrArray *
kith_option_library_for_need (KithOptionLibrary *self,
                              const char        *need_rule_id)
{
  GPtrArray *options = g_ptr_array_new ();
  g_auto(GStrv) ids = kith_instrument_library_get_need_options (kith_instrument_library_get_default (), need_rule_id);
  gboolean any_urgent = FALSE;

  g_return_val_if_fail (self != NULL, options);

  for (guint i = 0; ids && ids[i]; i++)
    {
      const KithOption *option = kith_option_library_lookup (self, ids[i]);

      if (option && !option->safe_to_defer)
        any_urgent = TRUE;
    }
  for (guint i = 0; ids && ids[i]; i++)
    {
      const KithOption *option = kith_option_library_lookup (self, ids[i]);

      /* "Not now" is offered only where waiting is safe. */
      if (option == NULL || (g_str_equal (ids[i], "not-now") && any_urgent))
        continue;
      g_ptr_array_add (options, (gpointer) option);
    }
  return options;
}
