/* kith-frailty.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The electronic frailty index from what is recorded about a person. A
 * deficit counts once, however many records show it. Only conditions that
 * are current and not refuted count; Kith's own "need" Conditions are care
 * needs, not diagnoses, and are left out.
 */

#define G_LOG_DOMAIN "kith-frailty"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "kith-fhir.h"
#include "kith-frailty.h"
#include "kith-instrument-library.h"
#include "kith-store.h"

#define FRAILTY_RESOURCE "/care/kith/Kith/rules/frailty-index.json"
#define NEED_CATEGORY_CODE "need"

typedef struct
{
  char   *id;
  char   *name;
  GStrv   codes;
  GStrv   words;
  guint   medicines_at_least;   /* 0: not found by counting medicines */
} Deficit;

typedef struct
{
  char      *source;
  guint      denominator;
  double     band_max[KITH_FRAILTY_SEVERE];   /* fit, mild, moderate */
  GPtrArray *deficits;
} Definition;

static void
deficit_free (Deficit *deficit)
{
  g_free (deficit->id);
  g_free (deficit->name);
  g_strfreev (deficit->codes);
  g_strfreev (deficit->words);
  g_free (deficit);
}

static void
frailty_deficit_free (KithFrailtyDeficit *deficit)
{
  g_free (deficit->id);
  g_free (deficit->name);
  g_free (deficit->evidence);
  g_free (deficit->source);
  g_free (deficit);
}

void
kith_frailty_index_free (KithFrailtyIndex *frailty)
{
  if (frailty == NULL)
    return;
  g_clear_pointer (&frailty->deficits, g_ptr_array_unref);
  g_free (frailty);
}

static GStrv
string_list (JsonObject *object,
             const char *member,
             gboolean    lower)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (object, member);

  if (node && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *text = json_array_get_string_element (array, i);

          g_autofree char *lowered = text && lower ? g_utf8_strdown (text, -1) : NULL;

          if (text != NULL)
            g_strv_builder_add (builder, lowered ? lowered : text);
        }
    }
  return g_strv_builder_end (builder);
}

static Definition *
load_definition (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  Definition *definition = g_new0 (Definition, 1);
  JsonObject *root;
  JsonArray *bands, *deficits;

  definition->deficits = g_ptr_array_new_with_free_func ((GDestroyNotify) deficit_free);
  definition->denominator = 36;
  definition->band_max[KITH_FRAILTY_FIT] = 0.12;
  definition->band_max[KITH_FRAILTY_MILD] = 0.24;
  definition->band_max[KITH_FRAILTY_MODERATE] = 0.36;

  kith_instrument_library_get_default ();  /* registers the core resources */
  bytes = g_resources_lookup_data (FRAILTY_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_critical ("The frailty index definition cannot be read: %s", error ? error->message : "not an object");
      return definition;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  definition->source = g_strdup (kith_fhir_get_string (root, "source"));
  if (json_object_has_member (root, "denominator"))
    definition->denominator = (guint) json_object_get_int_member (root, "denominator");

  bands = json_object_get_array_member (root, "bands");
  for (guint i = 0; bands && i < json_array_get_length (bands) && i < KITH_FRAILTY_SEVERE; i++)
    {
      JsonObject *band = json_array_get_object_element (bands, i);

      if (band && json_object_has_member (band, "max"))
        definition->band_max[i] = json_object_get_double_member (band, "max");
    }

  deficits = json_object_get_array_member (root, "deficits");
  for (guint i = 0; deficits && i < json_array_get_length (deficits); i++)
    {
      JsonObject *object = json_array_get_object_element (deficits, i);
      Deficit *deficit = g_new0 (Deficit, 1);

      deficit->id = g_strdup (kith_fhir_get_string (object, "id"));
      deficit->name = g_strdup (kith_fhir_get_string (object, "name"));
      deficit->codes = string_list (object, "codes", FALSE);
      deficit->words = string_list (object, "words", TRUE);
      if (json_object_has_member (object, "medicines_at_least"))
        deficit->medicines_at_least = (guint) json_object_get_int_member (object, "medicines_at_least");
      g_ptr_array_add (definition->deficits, deficit);
    }
  return definition;
}

static Definition *
get_definition (void)
{
  static Definition *definition;

  if (g_once_init_enter (&definition))
    g_once_init_leave (&definition, load_definition ());
  return definition;
}

double
kith_frailty_index_for_count (guint n_deficits)
{
  Definition *definition = get_definition ();
  double raw = definition->denominator ? (double) n_deficits / definition->denominator : 0;

  return round (raw * 100.0) / 100.0;
}

KithFrailtyBand
kith_frailty_band_for_index (double index)
{
  Definition *definition = get_definition ();

  /* Compared in hundredths, as reported, so 0.12 is "up to 0.12". */
  for (KithFrailtyBand band = KITH_FRAILTY_FIT; band < KITH_FRAILTY_SEVERE; band++)
    if (round (index * 100.0) <= round (definition->band_max[band] * 100.0))
      return band;
  return KITH_FRAILTY_SEVERE;
}

const char *
kith_frailty_band_id (KithFrailtyBand band)
{
  static const char * const ids[] = { "fit", "mild", "moderate", "severe" };

  g_return_val_if_fail (band <= KITH_FRAILTY_SEVERE, NULL);
  return ids[band];
}

const char *
kith_frailty_band_label (KithFrailtyBand band)
{
  switch (band)
    {
    case KITH_FRAILTY_FIT: return _("Fit");
    case KITH_FRAILTY_MILD: return _("Mild frailty");
    case KITH_FRAILTY_MODERATE: return _("Moderate frailty");
    case KITH_FRAILTY_SEVERE: return _("Severe frailty");
    default: g_return_val_if_reached (NULL);
    }
}

const char *
kith_frailty_source (void)
{
  return get_definition ()->source;
}

guint
kith_frailty_n_deficit_kinds (void)
{
  return get_definition ()->deficits->len;
}

/* --- reading the record ----------------------------------------------------- */

static gboolean
concept_has_code (JsonObject *concept,
                  const char *code)
{
  JsonNode *codings = concept ? json_object_get_member (concept, "coding") : NULL;

  for (guint i = 0; codings && JSON_NODE_HOLDS_ARRAY (codings) &&
                    i < json_array_get_length (json_node_get_array (codings)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (codings), i);

      if (JSON_NODE_HOLDS_OBJECT (node) && g_strcmp0 (kith_fhir_get_string (json_node_get_object (node), "code"), code) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The text, and every coding's display, lowercased, one per line. */
static char *
concept_words (JsonObject *concept)
{
  g_autoptr(GString) text = g_string_new (NULL);
  JsonNode *codings = concept ? json_object_get_member (concept, "coding") : NULL;
  const char *plain = kith_fhir_get_string (concept, "text");

  if (plain)
    g_string_append_printf (text, "%s\n", plain);
  for (guint i = 0; codings && JSON_NODE_HOLDS_ARRAY (codings) &&
                    i < json_array_get_length (json_node_get_array (codings)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (codings), i);
      const char *display = JSON_NODE_HOLDS_OBJECT (node) ? kith_fhir_get_string (json_node_get_object (node), "display") : NULL;

      if (display)
        g_string_append_printf (text, "%s\n", display);
    }
  return g_utf8_strdown (text->str, -1);
}

/* A whole word or phrase: "fall" is in "had a fall", not in "fallopian". */
static gboolean
has_phrase (const char *text,
            const char *phrase)
{
  gsize length = strlen (phrase);

  for (const char *at = strstr (text, phrase); at != NULL; at = strstr (at + 1, phrase))
    {
      gboolean starts = at == text || !g_ascii_isalnum (at[-1]);
      gboolean ends = !g_ascii_isalnum (at[length]);

      if (starts && ends)
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_current_diagnosis (JsonObject *condition)
{
  JsonObject *clinical = kith_fhir_get_object (condition, "clinicalStatus");
  JsonObject *verification = kith_fhir_get_object (condition, "verificationStatus");
  JsonNode *categories = json_object_get_member (condition, "category");

  if (g_strcmp0 (kith_fhir_get_string (condition, "resourceType"), "Condition") != 0)
    return FALSE;
  /* A missing clinical status is read as current, as FHIR allows for
   * problem lists; resolved, inactive and in remission are not. */
  if (clinical && !concept_has_code (clinical, "active") && !concept_has_code (clinical, "recurrence") &&
      !concept_has_code (clinical, "relapse"))
    return FALSE;
  if (verification && (concept_has_code (verification, "refuted") ||
                       concept_has_code (verification, "entered-in-error")))
    return FALSE;
  for (guint i = 0; categories && JSON_NODE_HOLDS_ARRAY (categories) &&
                    i < json_array_get_length (json_node_get_array (categories)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (categories), i);

      if (JSON_NODE_HOLDS_OBJECT (node) && concept_has_code (json_node_get_object (node), NEED_CATEGORY_CODE))
        return FALSE;
    }
  return TRUE;
}

/* What a clinician reads: the record's own words for it. */
static char *
describe (JsonObject *condition,
          JsonObject *code)
{
  const char *label = kith_fhir_get_string (code, "text");
  JsonNode *codings = code ? json_object_get_member (code, "coding") : NULL;

  if ((label == NULL || *label == '\0') && codings && JSON_NODE_HOLDS_ARRAY (codings) &&
      json_array_get_length (json_node_get_array (codings)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (codings), 0);

      if (JSON_NODE_HOLDS_OBJECT (first))
        label = kith_fhir_get_string (json_node_get_object (first), "display");
    }
  /* TRANSLATORS: how a frailty deficit was found: the condition's name as recorded */
  return g_strdup_printf (_("“%s” on the problem list"), label && *label ? label : _("a condition with no name"));
}

KithFrailtyIndex *
kith_frailty_compute_from_resources (GPtrArray *conditions,
                                     guint      n_medicines)
{
  Definition *definition = get_definition ();
  KithFrailtyIndex *frailty = g_new0 (KithFrailtyIndex, 1);
  g_autoptr(GPtrArray) current = g_ptr_array_new ();
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);

  frailty->deficits = g_ptr_array_new_with_free_func ((GDestroyNotify) frailty_deficit_free);
  frailty->denominator = definition->denominator;

  /* Each current diagnosis's words, lowercased once, not once a deficit. */
  for (guint c = 0; conditions && c < conditions->len; c++)
    {
      JsonObject *condition = conditions->pdata[c];
      JsonObject *code = kith_fhir_get_object (condition, "code");

      if (code == NULL || !is_current_diagnosis (condition))
        continue;
      g_ptr_array_add (current, condition);
      g_ptr_array_add (words, concept_words (code));
    }

  for (guint d = 0; d < definition->deficits->len; d++)
    {
      Deficit *deficit = definition->deficits->pdata[d];
      g_autofree char *evidence = NULL;
      g_autofree char *source = NULL;

      for (guint c = 0; evidence == NULL && c < current->len; c++)
        {
          JsonObject *code = kith_fhir_get_object (current->pdata[c], "code");
          gboolean found = FALSE;

          for (guint i = 0; !found && deficit->codes[i]; i++)
            found = concept_has_code (code, deficit->codes[i]);
          for (guint i = 0; !found && deficit->words[i]; i++)
            found = has_phrase (words->pdata[c], deficit->words[i]);
          if (found)
            {
              evidence = describe (current->pdata[c], code);
              source = g_strdup_printf ("Condition/%s", kith_fhir_get_string (current->pdata[c], "id"));
            }
        }
      if (evidence == NULL && deficit->medicines_at_least > 0 && n_medicines >= deficit->medicines_at_least)
        evidence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u current medicine", "%u current medicines", n_medicines),
                                    n_medicines);
      if (evidence != NULL)
        {
          KithFrailtyDeficit *found = g_new0 (KithFrailtyDeficit, 1);

          found->id = g_strdup (deficit->id);
          found->name = g_strdup (deficit->name);
          found->evidence = g_steal_pointer (&evidence);
          found->source = g_steal_pointer (&source);
          g_ptr_array_add (frailty->deficits, found);
        }
    }
  frailty->n_deficits = frailty->deficits->len;
  frailty->index = kith_frailty_index_for_count (frailty->n_deficits);
  frailty->band = kith_frailty_band_for_index (frailty->index);
  return frailty;
}

guint
kith_frailty_count_current_medicines (GPtrArray *medicines)
{
  guint n = 0;

  for (guint i = 0; medicines && i < medicines->len; i++)
    {
      const char *status = kith_fhir_get_string (medicines->pdata[i], "status");

      if (g_strcmp0 (status, "active") == 0 || g_strcmp0 (status, "intended") == 0)
        n++;
    }
  return n;
}

KithFrailtyIndex *
kith_frailty_compute (KithStore   *store,
                      const char  *patient_id,
                      GError     **error)
{
  g_autoptr(GPtrArray) conditions = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GPtrArray) requests = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  if (!(conditions = kith_store_list_for_patient (store, "Condition", patient_id, error)) ||
      !(statements = kith_store_list_for_patient (store, "MedicationStatement", patient_id, error)) ||
      !(requests = kith_store_list_for_patient (store, "MedicationRequest", patient_id, error)))
    return NULL;
  return kith_frailty_compute_from_resources (conditions,
                                              kith_frailty_count_current_medicines (statements) +
                                              kith_frailty_count_current_medicines (requests));
}
