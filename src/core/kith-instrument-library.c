/* kith-instrument-library.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-instrument"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-fhir.h"
#include "kith-instrument-library.h"
#include "kith-instrument-private.h"

#define RESOURCE_ROOT "/care/kith/Kith/"

/* From the generated kith-core-resources.c (registered by hand: in a static
 * library a constructor-only object would be dropped by the linker). */
void kith_core_register_resource (void);

typedef struct
{
  char     *id;
  char     *title;
  char     *domain;
  GStrv     options;
  KithRule *when;
} NeedRule;

struct _KithInstrumentLibrary
{
  GPtrArray  *instruments;   /* KithInstrument, in assessment order */
  GHashTable *by_id;
  GPtrArray  *needs;         /* NeedRule */
};

static const char * const domain_order[] = {
  "about-me", "health", "daily-living", "emotional", "practical", "carer", "risk",
};

static void
need_rule_free (NeedRule *rule)
{
  g_free (rule->id);
  g_free (rule->title);
  g_free (rule->domain);
  g_strfreev (rule->options);
  kith_rule_free (rule->when);
  g_free (rule);
}

KithInstrumentLibrary *
kith_instrument_library_new (void)
{
  KithInstrumentLibrary *self = g_new0 (KithInstrumentLibrary, 1);

  self->instruments = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->needs = g_ptr_array_new_with_free_func ((GDestroyNotify) need_rule_free);
  return self;
}

void
kith_instrument_library_free (KithInstrumentLibrary *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->instruments, g_ptr_array_unref);
  g_clear_pointer (&self->needs, g_ptr_array_unref);
  g_free (self);
}

static int
domain_rank (const char *domain)
{
  for (guint i = 0; i < G_N_ELEMENTS (domain_order); i++)
    if (g_strcmp0 (domain, domain_order[i]) == 0)
      return i;
  return G_N_ELEMENTS (domain_order);
}

static int
compare_instruments (gconstpointer a,
                     gconstpointer b)
{
  KithInstrument *x = *(KithInstrument **) a, *y = *(KithInstrument **) b;
  int d = domain_rank (kith_instrument_get_domain (x)) - domain_rank (kith_instrument_get_domain (y));

  if (d != 0)
    return d;
  if (kith_instrument_get_order (x) != kith_instrument_get_order (y))
    return kith_instrument_get_order (x) - kith_instrument_get_order (y);
  return g_strcmp0 (kith_instrument_get_id (x), kith_instrument_get_id (y));
}

gboolean
kith_instrument_library_add (KithInstrumentLibrary  *self,
                             KithInstrument         *instrument,
                             GError                **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (KITH_IS_INSTRUMENT (instrument), FALSE);

  if (g_hash_table_contains (self->by_id, kith_instrument_get_id (instrument)))
    {
      g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_DEFINITION,
                   _("Two instruments have the id “%s”"), kith_instrument_get_id (instrument));
      return FALSE;
    }
  g_ptr_array_add (self->instruments, g_object_ref (instrument));
  g_ptr_array_sort (self->instruments, compare_instruments);
  g_hash_table_insert (self->by_id, (gpointer) kith_instrument_get_id (instrument), instrument);
  return TRUE;
}

gboolean
kith_instrument_library_set_needs_rules (KithInstrumentLibrary  *self,
                                         JsonObject             *rules,
                                         GError                **error)
{
  g_autoptr(GPtrArray) needs = g_ptr_array_new_with_free_func ((GDestroyNotify) need_rule_free);
  JsonNode *list = json_object_get_member (rules, "rules");

  g_return_val_if_fail (self != NULL, FALSE);

  if (g_strcmp0 (kith_fhir_get_string (rules, "format"), "kith-needs-rules") != 0 ||
      list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error_literal (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_DEFINITION,
                           _("The needs rules are not in the kith-needs-rules format"));
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (list), i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      NeedRule *rule = g_new0 (NeedRule, 1);
      JsonNode *options = object ? json_object_get_member (object, "options") : NULL;
      g_autoptr(GStrvBuilder) option_ids = g_strv_builder_new ();

      g_ptr_array_add (needs, rule);
      rule->id = g_strdup (kith_fhir_get_string (object, "id"));
      rule->title = g_strdup (kith_fhir_get_string (object, "title"));
      rule->domain = g_strdup (kith_fhir_get_string (object, "domain"));
      if (rule->id == NULL || rule->title == NULL || kith_fhir_get_string (object, "when") == NULL)
        {
          g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_DEFINITION,
                       _("Needs rule %u has no id, title or rule"), i + 1);
          return FALSE;
        }
      if (!(rule->when = kith_rule_parse (kith_fhir_get_string (object, "when"), error)))
        return FALSE;
      for (guint o = 0; options && JSON_NODE_HOLDS_ARRAY (options) &&
                        o < json_array_get_length (json_node_get_array (options)); o++)
        {
          JsonNode *option = json_array_get_element (json_node_get_array (options), o);

          if (json_node_get_value_type (option) == G_TYPE_STRING)
            g_strv_builder_add (option_ids, json_node_get_string (option));
        }
      rule->options = g_strv_builder_end (option_ids);
    }

  g_ptr_array_unref (self->needs);
  self->needs = g_steal_pointer (&needs);
  return TRUE;
}

static JsonObject *
load_json_resource (const char  *path,
                    GError     **error)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (bytes == NULL)
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_DEFINITION,
                   _("%s is not a JSON object"), path);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static KithInstrumentLibrary *
load_default (void)
{
  KithInstrumentLibrary *self = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(JsonObject) rules = NULL;

  kith_core_register_resource ();
  self = kith_instrument_library_new ();
  names = g_resources_enumerate_children (RESOURCE_ROOT "instruments/", G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  for (guint i = 0; names && names[i]; i++)
    {
      g_autofree char *path = g_strconcat (RESOURCE_ROOT "instruments/", names[i], NULL);
      g_autoptr(JsonObject) questionnaire = NULL;
      g_autoptr(KithInstrument) instrument = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!g_str_has_suffix (names[i], ".json"))
        continue;
      if (!(questionnaire = load_json_resource (path, &local_error)) ||
          !(instrument = kith_instrument_new_from_json (questionnaire, &local_error)) ||
          !kith_instrument_library_add (self, instrument, &local_error))
        g_critical ("Bundled instrument %s cannot be loaded: %s", names[i], local_error->message);
    }

  rules = load_json_resource (RESOURCE_ROOT "rules/needs.json", NULL);
  if (rules && !kith_instrument_library_set_needs_rules (self, rules, &error))
    g_critical ("Bundled needs rules cannot be loaded: %s", error->message);
  return self;
}

KithInstrumentLibrary *
kith_instrument_library_get_default (void)
{
  static KithInstrumentLibrary *library;

  if (g_once_init_enter (&library))
    g_once_init_leave (&library, load_default ());
  return library;
}

KithInstrument *
kith_instrument_library_lookup (KithInstrumentLibrary *self,
                                const char            *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  return id ? g_hash_table_lookup (self->by_id, id) : NULL;
}

KithInstrument *
kith_instrument_library_lookup_url (KithInstrumentLibrary *self,
                                    const char            *canonical)
{
  g_autofree char *url = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (canonical == NULL)
    return NULL;
  url = g_strndup (canonical, strcspn (canonical, "|"));
  for (guint i = 0; i < self->instruments->len; i++)
    if (g_strcmp0 (kith_instrument_get_url (self->instruments->pdata[i]), url) == 0)
      return self->instruments->pdata[i];
  return NULL;
}

GPtrArray *
kith_instrument_library_list (KithInstrumentLibrary *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_ptr_array_ref (self->instruments);
}

static KithAnswerSet *
lookup_answers (const char *instrument_id,
                gpointer    user_data)
{
  GPtrArray *answer_sets = user_data;

  for (guint i = 0; i < answer_sets->len; i++)
    if (g_strcmp0 (kith_instrument_get_id (kith_answer_set_get_instrument (answer_sets->pdata[i])),
                   instrument_id) == 0)
      return answer_sets->pdata[i];
  return NULL;
}

GPtrArray *
kith_instrument_library_evaluate (KithInstrumentLibrary *self,
                                  GPtrArray             *answer_sets)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_finding_free);
  static const KithFindingKind kinds[] = { KITH_FINDING_ALERT, KITH_FINDING_OFFER, KITH_FINDING_INDICATION };

  g_return_val_if_fail (self != NULL, findings);
  g_return_val_if_fail (answer_sets != NULL, findings);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint a = 0; a < answer_sets->len; a++)
      {
        KithInstrument *instrument = kith_answer_set_get_instrument (answer_sets->pdata[a]);
        GPtrArray *defs = kith_instrument_get_finding_defs (instrument);

        for (guint d = 0; d < defs->len; d++)
          {
            const KithFindingDef *def = defs->pdata[d];
            g_autoptr(GString) why = g_string_new (NULL);

            if (def->kind == kinds[k] && kith_rule_evaluate (def->when, lookup_answers, answer_sets, why))
              g_ptr_array_add (findings, kith_finding_new_from_def (instrument, def, why->str));
          }
      }

  for (guint n = 0; n < self->needs->len; n++)
    {
      const NeedRule *rule = self->needs->pdata[n];
      g_autoptr(GString) why = g_string_new (NULL);

      if (kith_rule_evaluate (rule->when, lookup_answers, answer_sets, why))
        {
          KithFinding *finding = g_new0 (KithFinding, 1);

          finding->kind = KITH_FINDING_NEED;
          finding->name = g_strdup (rule->id);
          finding->title = g_strdup (rule->title);
          finding->advice = g_strdup (rule->domain);
          finding->why = g_strdup (why->str);
          g_ptr_array_add (findings, finding);
        }
    }
  return findings;
}

GStrv
kith_instrument_library_get_need_options (KithInstrumentLibrary *self,
                                          const char            *need_rule_id)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint n = 0; n < self->needs->len; n++)
    {
      const NeedRule *rule = self->needs->pdata[n];

      if (g_strcmp0 (rule->id, need_rule_id) == 0)
        return g_strdupv (rule->options);
    }
  return NULL;
}
