/* kith-instrument.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An instrument is a FHIR Questionnaire whose scoring rules sit in Kith
 * extensions (data/instruments/README.md). This file reads one, checks
 * answers against it, and scores them.
 */

#define G_LOG_DOMAIN "kith-instrument"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-fhir.h"
#include "kith-instrument-private.h"

#define KITH_SD KITH_FHIR_BASE "/StructureDefinition/"
#define ORDINAL_VALUE_URL "http://hl7.org/fhir/StructureDefinition/ordinalValue"
#define MIN_VALUE_URL "http://hl7.org/fhir/StructureDefinition/minValue"
#define MAX_VALUE_URL "http://hl7.org/fhir/StructureDefinition/maxValue"
#define DATA_ABSENT_URL "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
#define CARRIED_OVER_URL KITH_SD "carried-over"

typedef struct
{
  int   from;
  int   to;
  char *code;
  char *title;
} ScoreBand;

typedef enum
{
  SCORE_SUM,
  SCORE_COUNT_NOT,
} ScoreMethod;

typedef struct
{
  char        *name;
  char        *title;
  ScoreMethod  method;
  GStrv        items;
  GStrv        codes;
  int          max;
  char        *observation_system;
  char        *observation_code;
  char        *observation_display;
  GArray      *bands;   /* ScoreBand */
} ScoreDef;

struct _KithInstrument
{
  GObject     parent_instance;

  JsonObject *questionnaire;
  char       *id;
  char       *url;
  char       *title;
  char       *version;
  char       *description;
  char       *licence;
  char       *terms;
  char       *source;
  char       *domain;
  char       *subject;
  gboolean    prefill;
  gboolean    optional;
  int         order;
  GHashTable *same_as;      /* linkId → "instrument:linkId" */

  GPtrArray  *items;        /* KithInstrumentItem */
  GHashTable *item_index;   /* linkId → KithInstrumentItem */
  GPtrArray  *scores;       /* ScoreDef */
  GPtrArray  *findings;     /* KithFindingDef */
};

G_DEFINE_FINAL_TYPE (KithInstrument, kith_instrument, G_TYPE_OBJECT)

G_DEFINE_QUARK (kith-instrument-error-quark, kith_instrument_error)

static const char * const licences[] = { "free-to-use", "ogl-3.0", "kith", "measured-elsewhere" };
static const char * const domains[] = { "about-me", "health", "daily-living", "emotional", "practical", "carer", "risk" };

/* --- freeing ------------------------------------------------------------ */

static void
answer_option_free (KithAnswerOption *option)
{
  g_free (option->system);
  g_free (option->code);
  g_free (option->display);
  g_free (option);
}

static void
item_free (KithInstrumentItem *item)
{
  g_free (item->link_id);
  g_free (item->prefix);
  g_free (item->text);
  g_clear_pointer (&item->options, g_ptr_array_unref);
  g_free (item);
}

static void
band_clear (ScoreBand *band)
{
  g_free (band->code);
  g_free (band->title);
}

static void
score_def_free (ScoreDef *def)
{
  g_free (def->name);
  g_free (def->title);
  g_strfreev (def->items);
  g_strfreev (def->codes);
  g_free (def->observation_system);
  g_free (def->observation_code);
  g_free (def->observation_display);
  g_clear_pointer (&def->bands, g_array_unref);
  g_free (def);
}

static void
finding_def_free (KithFindingDef *def)
{
  g_free (def->name);
  g_free (def->title);
  g_free (def->advice);
  g_free (def->severity);
  g_free (def->offer_instrument);
  kith_rule_free (def->when);
  g_free (def);
}

void
kith_score_free (KithScore *score)
{
  if (score == NULL)
    return;
  g_free (score->name);
  g_free (score->title);
  g_free (score->band_code);
  g_free (score->band_title);
  g_free (score->observation_system);
  g_free (score->observation_code);
  g_free (score->observation_display);
  g_free (score);
}

void
kith_finding_free (KithFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->instrument_id);
  g_free (finding->name);
  g_free (finding->title);
  g_free (finding->advice);
  g_free (finding->severity);
  g_free (finding->offer_instrument);
  g_free (finding->why);
  g_free (finding);
}

static void
kith_instrument_finalize (GObject *object)
{
  KithInstrument *self = (KithInstrument *) object;

  g_clear_pointer (&self->questionnaire, json_object_unref);
  g_free (self->id);
  g_free (self->url);
  g_free (self->title);
  g_free (self->version);
  g_free (self->description);
  g_free (self->licence);
  g_free (self->terms);
  g_free (self->source);
  g_free (self->domain);
  g_free (self->subject);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->item_index, g_hash_table_unref);
  g_clear_pointer (&self->scores, g_ptr_array_unref);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_pointer (&self->same_as, g_hash_table_unref);

  G_OBJECT_CLASS (kith_instrument_parent_class)->finalize (object);
}

static void
kith_instrument_class_init (KithInstrumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kith_instrument_finalize;
}

static void
kith_instrument_init (KithInstrument *self)
{
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  self->item_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->scores = g_ptr_array_new_with_free_func ((GDestroyNotify) score_def_free);
  self->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) finding_def_free);
  self->subject = g_strdup ("patient");
  self->order = 100;
  self->same_as = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* --- reading the definition ------------------------------------------- */

static gboolean
invalid (KithInstrument  *self,
         GError         **error,
         const char      *what)
{
  g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_DEFINITION,
               _("Instrument “%s”: %s"), self->id ? self->id : "?", what);
  return FALSE;
}

static JsonObject *
array_object (JsonArray *array,
              guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The parts of a complex extension with this relative url, in order. */
static GPtrArray *
extension_parts (JsonObject *extension,
                 const char *url)
{
  GPtrArray *parts = g_ptr_array_new ();
  JsonArray *list = kith_fhir_get_array (extension, "extension");

  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonObject *part = array_object (list, i);

      if (part && g_strcmp0 (kith_fhir_get_string (part, "url"), url) == 0)
        g_ptr_array_add (parts, part);
    }
  return parts;
}

static JsonObject *
extension_part (JsonObject *extension,
                const char *url)
{
  g_autoptr(GPtrArray) parts = extension_parts (extension, url);

  return parts->len ? parts->pdata[0] : NULL;
}

static const char *
part_string (JsonObject *extension,
             const char *url,
             const char *value_member)
{
  return kith_fhir_get_string (extension_part (extension, url), value_member);
}

static gboolean
part_int (JsonObject *extension,
          const char *url,
          int        *value)
{
  JsonObject *part = extension_part (extension, url);
  JsonNode *node = part ? json_object_get_member (part, "valueInteger") : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = (int) json_node_get_int (node);
  return TRUE;
}

static gboolean
part_boolean (JsonObject *extension,
              const char *url,
              gboolean    fallback)
{
  JsonObject *part = extension_part (extension, url);
  JsonNode *node = part ? json_object_get_member (part, "valueBoolean") : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

/* A standard simple extension on an element, by full url. */
static JsonNode *
simple_extension (JsonObject *element,
                  const char *url,
                  const char *value_member)
{
  JsonArray *list = kith_fhir_get_array (element, "extension");

  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonObject *e = array_object (list, i);

      if (e && g_strcmp0 (kith_fhir_get_string (e, "url"), url) == 0)
        return json_object_get_member (e, value_member);
    }
  return NULL;
}

static gboolean
node_number (JsonNode *node,
             double   *value)
{
  GType type;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_item_type (const char   *text,
                 KithItemType *type)
{
  static const struct { const char *name; KithItemType type; } types[] = {
    { "group", KITH_ITEM_GROUP }, { "display", KITH_ITEM_DISPLAY }, { "choice", KITH_ITEM_CHOICE },
    { "integer", KITH_ITEM_INTEGER }, { "boolean", KITH_ITEM_BOOLEAN }, { "string", KITH_ITEM_STRING },
    { "text", KITH_ITEM_TEXT }, { "date", KITH_ITEM_DATE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_strcmp0 (text, types[i].name) == 0)
      {
        *type = types[i].type;
        return TRUE;
      }
  return FALSE;
}

static gboolean
read_items (KithInstrument  *self,
            JsonArray       *items,
            guint            depth,
            GError         **error)
{
  for (guint i = 0; items && i < json_array_get_length (items); i++)
    {
      JsonObject *object = array_object (items, i);
      KithInstrumentItem *item;
      JsonNode *required;

      if (object == NULL)
        return invalid (self, error, _("an item is not an object"));

      item = g_new0 (KithInstrumentItem, 1);
      item->link_id = g_strdup (kith_fhir_get_string (object, "linkId"));
      item->prefix = g_strdup (kith_fhir_get_string (object, "prefix"));
      item->text = g_strdup (kith_fhir_get_string (object, "text"));
      item->depth = depth;
      item->min_value = G_MININT;
      item->max_value = G_MAXINT;
      required = json_object_get_member (object, "required");
      item->required = required && json_node_get_value_type (required) == G_TYPE_BOOLEAN &&
                       json_node_get_boolean (required);
      g_ptr_array_add (self->items, item);

      if (item->link_id == NULL || *item->link_id == '\0')
        return invalid (self, error, _("an item has no linkId"));
      if (g_hash_table_contains (self->item_index, item->link_id))
        return invalid (self, error, _("two items share a linkId"));
      g_hash_table_insert (self->item_index, item->link_id, item);
      if (!parse_item_type (kith_fhir_get_string (object, "type"), &item->type))
        return invalid (self, error, _("an item has a type Kith does not handle"));

      if (item->type == KITH_ITEM_INTEGER)
        {
          JsonNode *min = simple_extension (object, MIN_VALUE_URL, "valueInteger");
          JsonNode *max = simple_extension (object, MAX_VALUE_URL, "valueInteger");

          if (min)
            item->min_value = (int) json_node_get_int (min);
          if (max)
            item->max_value = (int) json_node_get_int (max);
        }

      if (item->type == KITH_ITEM_CHOICE)
        {
          JsonArray *options = kith_fhir_get_array (object, "answerOption");

          item->options = g_ptr_array_new_with_free_func ((GDestroyNotify) answer_option_free);
          for (guint o = 0; options && o < json_array_get_length (options); o++)
            {
              JsonObject *option_object = array_object (options, o);
              JsonNode *coding_node = option_object ? json_object_get_member (option_object, "valueCoding") : NULL;
              JsonObject *coding;
              KithAnswerOption *option;

              if (coding_node == NULL || !JSON_NODE_HOLDS_OBJECT (coding_node))
                return invalid (self, error, _("a choice option has no valueCoding"));
              coding = json_node_get_object (coding_node);
              option = g_new0 (KithAnswerOption, 1);
              option->system = g_strdup (kith_fhir_get_string (coding, "system"));
              option->code = g_strdup (kith_fhir_get_string (coding, "code"));
              option->display = g_strdup (kith_fhir_get_string (coding, "display"));
              option->has_ordinal = node_number (simple_extension (option_object, ORDINAL_VALUE_URL, "valueDecimal"),
                                                 &option->ordinal);
              g_ptr_array_add (item->options, option);
              if (option->code == NULL)
                return invalid (self, error, _("a choice option has no code"));
            }
          if (item->options->len == 0)
            return invalid (self, error, _("a choice item has no options"));
        }

      {
        JsonNode *same = simple_extension (object, KITH_SD "same-as", "valueString");

        if (same && json_node_get_value_type (same) == G_TYPE_STRING)
          g_hash_table_insert (self->same_as, g_strdup (item->link_id), g_strdup (json_node_get_string (same)));
      }

      if (!read_items (self, kith_fhir_get_array (object, "item"), depth + 1, error))
        return FALSE;
    }
  return TRUE;
}

static int
compare_bands (gconstpointer a,
               gconstpointer b)
{
  return ((const ScoreBand *) a)->from - ((const ScoreBand *) b)->from;
}

static gboolean
read_score (KithInstrument  *self,
            JsonObject      *extension,
            GError         **error)
{
  ScoreDef *def = g_new0 (ScoreDef, 1);
  const char *method = part_string (extension, "method", "valueCode");
  const char *items = part_string (extension, "items", "valueString");
  const char *codes = part_string (extension, "codes", "valueString");
  JsonObject *coding_part = extension_part (extension, "observation-code");
  g_autoptr(GPtrArray) bands = extension_parts (extension, "band");

  g_ptr_array_add (self->scores, def);
  def->name = g_strdup (part_string (extension, "name", "valueId"));
  def->title = g_strdup (part_string (extension, "title", "valueString"));
  def->max = -1;
  part_int (extension, "max", &def->max);
  if (def->name == NULL || def->title == NULL)
    return invalid (self, error, _("a score has no name or title"));

  if (g_strcmp0 (method, "sum") == 0)
    def->method = SCORE_SUM;
  else if (g_strcmp0 (method, "count-not") == 0)
    def->method = SCORE_COUNT_NOT;
  else
    return invalid (self, error, _("a score has an unknown method"));

  if (items == NULL)
    return invalid (self, error, _("a score lists no items"));
  {
    g_autofree char *stripped = g_strstrip (g_strdup (items));
    def->items = g_strsplit_set (stripped, " ", -1);
  }
  {
    /* g_strsplit_set keeps empty pieces from doubled spaces: drop them. */
    guint n = 0;
    for (guint i = 0; def->items[i]; i++)
      if (*def->items[i])
        def->items[n++] = def->items[i];
      else
        g_free (def->items[i]);
    def->items[n] = NULL;
  }
  for (guint i = 0; def->items[i]; i++)
    if (!g_hash_table_contains (self->item_index, def->items[i]))
      return invalid (self, error, _("a score counts an item that does not exist"));
  def->codes = codes ? g_strsplit (codes, " ", -1) : g_new0 (char *, 1);

  if (coding_part)
    {
      JsonNode *coding = json_object_get_member (coding_part, "valueCoding");

      if (coding && JSON_NODE_HOLDS_OBJECT (coding))
        {
          def->observation_system = g_strdup (kith_fhir_get_string (json_node_get_object (coding), "system"));
          def->observation_code = g_strdup (kith_fhir_get_string (json_node_get_object (coding), "code"));
          def->observation_display = g_strdup (kith_fhir_get_string (json_node_get_object (coding), "display"));
        }
    }

  def->bands = g_array_new (FALSE, TRUE, sizeof (ScoreBand));
  g_array_set_clear_func (def->bands, (GDestroyNotify) band_clear);
  for (guint i = 0; i < bands->len; i++)
    {
      ScoreBand band = { 0 };

      if (!part_int (bands->pdata[i], "from", &band.from) || !part_int (bands->pdata[i], "to", &band.to) ||
          band.to < band.from)
        return invalid (self, error, _("a band has no valid range"));
      band.code = g_strdup (part_string (bands->pdata[i], "code", "valueCode"));
      band.title = g_strdup (part_string (bands->pdata[i], "title", "valueString"));
      g_array_append_val (def->bands, band);
      if (band.code == NULL || band.title == NULL)
        return invalid (self, error, _("a band has no code or title"));
    }
  g_array_sort (def->bands, compare_bands);
  for (guint i = 1; i < def->bands->len; i++)
    if (g_array_index (def->bands, ScoreBand, i).from <= g_array_index (def->bands, ScoreBand, i - 1).to)
      return invalid (self, error, _("two bands overlap"));
  return TRUE;
}

static gboolean
read_finding (KithInstrument   *self,
              JsonObject       *extension,
              KithFindingKind   kind,
              GError          **error)
{
  KithFindingDef *def = g_new0 (KithFindingDef, 1);
  JsonObject *when = extension_part (extension, "when");
  JsonNode *expression = when ? json_object_get_member (when, "valueExpression") : NULL;
  const char *language = NULL, *text = NULL;

  g_ptr_array_add (self->findings, def);
  def->kind = kind;
  def->name = g_strdup (part_string (extension, "name", "valueId"));
  def->title = g_strdup (part_string (extension, "title", "valueString"));
  def->advice = g_strdup (part_string (extension, "advice", "valueString"));
  def->severity = g_strdup (part_string (extension, "severity", "valueCode"));
  def->requires_action = part_boolean (extension, "requires-action", FALSE);
  def->offer_instrument = g_strdup (part_string (extension, "instrument", "valueId"));

  if (def->name == NULL || def->title == NULL)
    return invalid (self, error, _("an alert, offer or indication has no name or title"));
  if (kind == KITH_FINDING_OFFER && def->offer_instrument == NULL)
    return invalid (self, error, _("an offer names no instrument"));
  if (expression && JSON_NODE_HOLDS_OBJECT (expression))
    {
      language = kith_fhir_get_string (json_node_get_object (expression), "language");
      text = kith_fhir_get_string (json_node_get_object (expression), "expression");
    }
  if (g_strcmp0 (language, "text/x-kith-rule") != 0 || text == NULL)
    return invalid (self, error, _("a rule is missing or not in text/x-kith-rule"));
  def->when = kith_rule_parse (text, error);
  return def->when != NULL;
}

static gboolean
in_list (const char         *value,
         const char * const *list,
         gsize               n)
{
  for (gsize i = 0; i < n; i++)
    if (g_strcmp0 (value, list[i]) == 0)
      return TRUE;
  return FALSE;
}

KithInstrument *
kith_instrument_new_from_json (JsonObject  *questionnaire,
                               GError     **error)
{
  g_autoptr(KithInstrument) self = g_object_new (KITH_TYPE_INSTRUMENT, NULL);
  JsonArray *extensions = kith_fhir_get_array (questionnaire, "extension");
  gboolean seen_instrument = FALSE;

  g_return_val_if_fail (questionnaire != NULL, NULL);

  self->questionnaire = json_object_ref (questionnaire);
  self->id = g_strdup (kith_fhir_get_string (questionnaire, "id"));
  if (g_strcmp0 (kith_fhir_get_string (questionnaire, "resourceType"), "Questionnaire") != 0 ||
      !kith_fhir_is_valid_id (self->id))
    {
      invalid (self, error, _("not a Questionnaire with a valid id"));
      return NULL;
    }
  self->url = g_strdup (kith_fhir_get_string (questionnaire, "url"));
  self->title = g_strdup (kith_fhir_get_string (questionnaire, "title"));
  self->version = g_strdup (kith_fhir_get_string (questionnaire, "version"));
  self->description = g_strdup (kith_fhir_get_string (questionnaire, "description"));
  self->terms = g_strdup (kith_fhir_get_string (questionnaire, "copyright"));
  if (self->url == NULL || self->title == NULL)
    {
      invalid (self, error, _("no url or title"));
      return NULL;
    }

  if (!read_items (self, kith_fhir_get_array (questionnaire, "item"), 0, error))
    return NULL;

  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    {
      JsonObject *extension = array_object (extensions, i);
      const char *url = kith_fhir_get_string (extension, "url");
      gboolean ok = TRUE;

      if (url == NULL || !g_str_has_prefix (url, KITH_SD))
        continue;
      url += strlen (KITH_SD);
      if (g_str_equal (url, "instrument"))
        {
          seen_instrument = TRUE;
          self->licence = g_strdup (part_string (extension, "licence", "valueCode"));
          self->source = g_strdup (part_string (extension, "source", "valueString"));
          self->domain = g_strdup (part_string (extension, "domain", "valueCode"));
          self->prefill = part_boolean (extension, "prefill", FALSE);
          self->optional = part_boolean (extension, "optional", FALSE);
          part_int (extension, "order", &self->order);
          if (part_string (extension, "subject", "valueCode"))
            {
              g_free (self->subject);
              self->subject = g_strdup (part_string (extension, "subject", "valueCode"));
            }
        }
      else if (g_str_equal (url, "score"))
        ok = read_score (self, extension, error);
      else if (g_str_equal (url, "alert"))
        ok = read_finding (self, extension, KITH_FINDING_ALERT, error);
      else if (g_str_equal (url, "offer"))
        ok = read_finding (self, extension, KITH_FINDING_OFFER, error);
      else if (g_str_equal (url, "indication"))
        ok = read_finding (self, extension, KITH_FINDING_INDICATION, error);
      if (!ok)
        return NULL;
    }

  if (!seen_instrument)
    {
      invalid (self, error, _("no instrument extension"));
      return NULL;
    }
  if (!in_list (self->licence, licences, G_N_ELEMENTS (licences)))
    {
      invalid (self, error, _("no licence Kith may bundle"));
      return NULL;
    }
  if (!in_list (self->domain, domains, G_N_ELEMENTS (domains)))
    {
      invalid (self, error, _("no known domain"));
      return NULL;
    }
  if (self->source == NULL || self->terms == NULL)
    {
      invalid (self, error, _("no source or terms of use"));
      return NULL;
    }
  if (g_strcmp0 (self->subject, "patient") != 0 && g_strcmp0 (self->subject, "carer") != 0)
    {
      invalid (self, error, _("subject must be patient or carer"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* --- accessors ----------------------------------------------------------- */

JsonObject *
kith_instrument_get_questionnaire (KithInstrument *self)
{
  g_return_val_if_fail (KITH_IS_INSTRUMENT (self), NULL);
  return self->questionnaire;
}

#define GETTER(field) \
  const char * \
  kith_instrument_get_##field (KithInstrument *self) \
  { \
    g_return_val_if_fail (KITH_IS_INSTRUMENT (self), NULL); \
    return self->field; \
  }

GETTER (id)
GETTER (url)
GETTER (title)
GETTER (version)
GETTER (description)
GETTER (licence)
GETTER (terms)
GETTER (source)
GETTER (domain)
GETTER (subject)
#undef GETTER

gboolean
kith_instrument_get_prefill (KithInstrument *self)
{
  g_return_val_if_fail (KITH_IS_INSTRUMENT (self), FALSE);
  return self->prefill;
}

gboolean
kith_instrument_get_optional (KithInstrument *self)
{
  g_return_val_if_fail (KITH_IS_INSTRUMENT (self), FALSE);
  return self->optional;
}

const char *
kith_instrument_get_same_as (KithInstrument *self,
                             const char     *link_id)
{
  g_return_val_if_fail (KITH_IS_INSTRUMENT (self), NULL);
  return link_id ? g_hash_table_lookup (self->same_as, link_id) : NULL;
}

int
kith_instrument_get_order (KithInstrument *self)
{
  return self->order;
}

GPtrArray *
kith_instrument_get_finding_defs (KithInstrument *self)
{
  return self->findings;
}

guint
kith_instrument_get_n_items (KithInstrument *self)
{
  g_return_val_if_fail (KITH_IS_INSTRUMENT (self), 0);
  return self->items->len;
}

const KithInstrumentItem *
kith_instrument_get_item (KithInstrument *self,
                          guint           index)
{
  g_return_val_if_fail (KITH_IS_INSTRUMENT (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return self->items->pdata[index];
}

const KithInstrumentItem *
kith_instrument_lookup_item (KithInstrument *self,
                             const char     *link_id)
{
  g_return_val_if_fail (KITH_IS_INSTRUMENT (self), NULL);
  return link_id ? g_hash_table_lookup (self->item_index, link_id) : NULL;
}

const KithAnswerOption *
kith_instrument_item_lookup_option (const KithInstrumentItem *item,
                                    const char               *code)
{
  if (item == NULL || item->options == NULL || code == NULL)
    return NULL;
  for (guint i = 0; i < item->options->len; i++)
    {
      const KithAnswerOption *option = item->options->pdata[i];

      if (g_strcmp0 (option->code, code) == 0)
        return option;
    }
  return NULL;
}

static gboolean
is_iso_date (const char *text)
{
  unsigned y, m, d;

  return text && strlen (text) == 10 && text[4] == '-' && text[7] == '-' &&
         sscanf (text, "%4u-%2u-%2u", &y, &m, &d) == 3 && g_date_valid_dmy (d, m, y);
}

gboolean
kith_instrument_check_answer (KithInstrument    *self,
                              const char        *link_id,
                              const KithAnswer  *answer,
                              GError           **error)
{
  const KithInstrumentItem *item;
  const char *question;

  g_return_val_if_fail (KITH_IS_INSTRUMENT (self), FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);

  item = kith_instrument_lookup_item (self, link_id);
  if (item == NULL)
    {
      g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_UNKNOWN_ITEM,
                   _("%s has no question “%s”"), self->title, link_id ? link_id : "");
      return FALSE;
    }
  question = item->link_id;

  if (item->type == KITH_ITEM_GROUP || item->type == KITH_ITEM_DISPLAY)
    {
      g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_ANSWER,
                   _("%s question “%s” is a heading and takes no answer"), self->title, question);
      return FALSE;
    }

  switch (answer->kind)
    {
    case KITH_ANSWER_NONE:
    case KITH_ANSWER_DECLINED:
    case KITH_ANSWER_NOT_ASSESSED:
      return TRUE;

    case KITH_ANSWER_CODE:
      if (item->type == KITH_ITEM_CHOICE && kith_instrument_item_lookup_option (item, answer->code))
        return TRUE;
      g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_ANSWER,
                   _("%s question “%s”: “%s” is not one of its answers"), self->title, question,
                   answer->code ? answer->code : "");
      return FALSE;

    case KITH_ANSWER_INTEGER:
      if (item->type != KITH_ITEM_INTEGER)
        break;
      if (answer->integer < item->min_value || answer->integer > item->max_value)
        {
          g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_ANSWER,
                       _("%s question “%s”: %d is outside %d to %d"), self->title, question,
                       answer->integer, item->min_value, item->max_value);
          return FALSE;
        }
      return TRUE;

    case KITH_ANSWER_BOOLEAN:
      if (item->type == KITH_ITEM_BOOLEAN)
        return TRUE;
      break;

    case KITH_ANSWER_TEXT:
      if (item->type == KITH_ITEM_DATE && !is_iso_date (answer->text))
        {
          g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_ANSWER,
                       _("%s question “%s”: not a date (use the form 2026-03-21)"), self->title, question);
          return FALSE;
        }
      if (item->type == KITH_ITEM_STRING || item->type == KITH_ITEM_TEXT || item->type == KITH_ITEM_DATE)
        return TRUE;
      break;

    default:
      break;
    }

  g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_ANSWER,
               _("%s question “%s”: the answer is not of the kind it asks for"), self->title, question);
  return FALSE;
}

/* --- answer sets --------------------------------------------------------- */

struct _KithAnswerSet
{
  KithInstrument *instrument;
  GHashTable     *answers;   /* linkId (owned) → KithAnswer */
};

static void
answer_free (KithAnswer *answer)
{
  g_free (answer->code);
  g_free (answer->text);
  g_free (answer);
}

KithAnswerSet *
kith_answer_set_new (KithInstrument *instrument)
{
  KithAnswerSet *self;

  g_return_val_if_fail (KITH_IS_INSTRUMENT (instrument), NULL);

  self = g_new0 (KithAnswerSet, 1);
  self->instrument = g_object_ref (instrument);
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) answer_free);
  return self;
}

void
kith_answer_set_free (KithAnswerSet *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->instrument);
  g_clear_pointer (&self->answers, g_hash_table_unref);
  g_free (self);
}

KithInstrument *
kith_answer_set_get_instrument (KithAnswerSet *self)
{
  return self->instrument;
}

void
kith_answer_set_put (KithAnswerSet    *self,
                     const char       *link_id,
                     const KithAnswer *answer)
{
  KithAnswer *copy;

  g_return_if_fail (self != NULL && link_id != NULL && answer != NULL);

  if (answer->kind == KITH_ANSWER_NONE)
    {
      g_hash_table_remove (self->answers, link_id);
      return;
    }
  copy = g_new0 (KithAnswer, 1);
  copy->kind = answer->kind;
  copy->code = g_strdup (answer->code);
  copy->integer = answer->integer;
  copy->text = g_strdup (answer->text);
  copy->carried_over = answer->carried_over;
  g_hash_table_insert (self->answers, g_strdup (link_id), copy);
}

const KithAnswer *
kith_answer_set_lookup (KithAnswerSet *self,
                        const char    *link_id)
{
  g_return_val_if_fail (self != NULL, NULL);
  return link_id ? g_hash_table_lookup (self->answers, link_id) : NULL;
}

static gboolean
read_answer_node (JsonObject  *item,
                  KithAnswer  *answer)
{
  JsonArray *answers = kith_fhir_get_array (item, "answer");
  JsonObject *first;
  JsonNode *node;
  JsonNode *absent = simple_extension (item, DATA_ABSENT_URL, "valueCode");
  JsonNode *carried = simple_extension (item, CARRIED_OVER_URL, "valueBoolean");

  memset (answer, 0, sizeof *answer);
  answer->carried_over = carried && json_node_get_value_type (carried) == G_TYPE_BOOLEAN &&
                         json_node_get_boolean (carried);

  if (answers == NULL || json_array_get_length (answers) == 0)
    {
      if (absent && json_node_get_value_type (absent) == G_TYPE_STRING)
        {
          const char *reason = json_node_get_string (absent);

          answer->kind = g_str_equal (reason, "asked-declined") ? KITH_ANSWER_DECLINED : KITH_ANSWER_NOT_ASSESSED;
          return TRUE;
        }
      return TRUE;  /* no answer: KITH_ANSWER_NONE */
    }

  first = array_object (answers, 0);
  if (first == NULL)
    return FALSE;
  if ((node = json_object_get_member (first, "valueCoding")) && JSON_NODE_HOLDS_OBJECT (node))
    {
      answer->kind = KITH_ANSWER_CODE;
      answer->code = g_strdup (kith_fhir_get_string (json_node_get_object (node), "code"));
      return answer->code != NULL;
    }
  if ((node = json_object_get_member (first, "valueInteger")) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 value = json_node_get_int (node);

      answer->kind = KITH_ANSWER_INTEGER;
      answer->integer = (int) CLAMP (value, G_MININT, G_MAXINT);
      return value >= G_MININT && value <= G_MAXINT;
    }
  if ((node = json_object_get_member (first, "valueBoolean")) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      answer->kind = KITH_ANSWER_BOOLEAN;
      answer->integer = json_node_get_boolean (node);
      return TRUE;
    }
  if (((node = json_object_get_member (first, "valueString")) ||
       (node = json_object_get_member (first, "valueDate"))) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      answer->kind = KITH_ANSWER_TEXT;
      answer->text = g_strdup (json_node_get_string (node));
      return TRUE;
    }
  return FALSE;
}

static gboolean
read_response_items (KithAnswerSet  *self,
                     JsonArray      *items,
                     GError        **error)
{
  for (guint i = 0; items && i < json_array_get_length (items); i++)
    {
      JsonObject *item = array_object (items, i);
      const char *link_id = kith_fhir_get_string (item, "linkId");
      KithAnswer answer;
      gboolean ok;

      if (item == NULL || link_id == NULL)
        {
          g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_NOT_A_RESPONSE,
                       _("An answered item has no linkId"));
          return FALSE;
        }
      if (kith_instrument_lookup_item (self->instrument, link_id) == NULL)
        {
          g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_UNKNOWN_ITEM,
                       _("%s has no question “%s”"), self->instrument->title, link_id);
          return FALSE;
        }

      ok = read_answer_node (item, &answer);
      if (!ok)
        {
          g_free (answer.code);
          g_free (answer.text);
          g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_ANSWER,
                       _("%s question “%s”: the answer cannot be read"), self->instrument->title, link_id);
          return FALSE;
        }
      if (answer.kind != KITH_ANSWER_NONE)
        {
          ok = kith_instrument_check_answer (self->instrument, link_id, &answer, error);
          if (ok)
            kith_answer_set_put (self, link_id, &answer);
        }
      g_free (answer.code);
      g_free (answer.text);
      if (!ok)
        return FALSE;

      if (!read_response_items (self, kith_fhir_get_array (item, "item"), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
canonical_matches (const char *canonical,
                   const char *url)
{
  gsize len = strlen (url);

  return canonical && strncmp (canonical, url, len) == 0 && (canonical[len] == '\0' || canonical[len] == '|');
}

KithAnswerSet *
kith_answer_set_new_from_response (KithInstrument  *instrument,
                                   JsonObject      *response,
                                   GError         **error)
{
  g_autoptr(KithAnswerSet) self = NULL;

  g_return_val_if_fail (KITH_IS_INSTRUMENT (instrument), NULL);
  g_return_val_if_fail (response != NULL, NULL);

  if (g_strcmp0 (kith_fhir_get_string (response, "resourceType"), "QuestionnaireResponse") != 0)
    {
      g_set_error_literal (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_NOT_A_RESPONSE,
                           _("Not a QuestionnaireResponse"));
      return NULL;
    }
  if (!canonical_matches (kith_fhir_get_string (response, "questionnaire"), instrument->url))
    {
      g_set_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_UNKNOWN_INSTRUMENT,
                   _("The response is not for %s"), instrument->title);
      return NULL;
    }

  self = kith_answer_set_new (instrument);
  if (!read_response_items (self, kith_fhir_get_array (response, "item"), error))
    return NULL;
  return g_steal_pointer (&self);
}

static JsonObject *
answer_to_item (const KithInstrumentItem *item,
                const KithAnswer         *answer)
{
  JsonObject *object = json_object_new ();
  JsonArray *answers;
  JsonObject *value;

  json_object_set_string_member (object, "linkId", item->link_id);
  if (item->text)
    json_object_set_string_member (object, "text", item->text);

  if (answer->carried_over || answer->kind == KITH_ANSWER_DECLINED || answer->kind == KITH_ANSWER_NOT_ASSESSED)
    {
      JsonArray *extensions = json_array_new ();

      if (answer->kind == KITH_ANSWER_DECLINED || answer->kind == KITH_ANSWER_NOT_ASSESSED)
        {
          JsonObject *absent = json_object_new ();

          json_object_set_string_member (absent, "url", DATA_ABSENT_URL);
          json_object_set_string_member (absent, "valueCode",
                                         answer->kind == KITH_ANSWER_DECLINED ? "asked-declined" : "not-asked");
          json_array_add_object_element (extensions, absent);
        }
      if (answer->carried_over)
        {
          JsonObject *carried = json_object_new ();

          json_object_set_string_member (carried, "url", CARRIED_OVER_URL);
          json_object_set_boolean_member (carried, "valueBoolean", TRUE);
          json_array_add_object_element (extensions, carried);
        }
      json_object_set_array_member (object, "extension", extensions);
    }

  if (answer->kind == KITH_ANSWER_DECLINED || answer->kind == KITH_ANSWER_NOT_ASSESSED)
    return object;

  answers = json_array_new ();
  value = json_object_new ();
  switch (answer->kind)
    {
    case KITH_ANSWER_CODE:
      {
        const KithAnswerOption *option = kith_instrument_item_lookup_option (item, answer->code);
        JsonObject *coding = json_object_new ();

        if (option && option->system)
          json_object_set_string_member (coding, "system", option->system);
        json_object_set_string_member (coding, "code", answer->code);
        if (option && option->display)
          json_object_set_string_member (coding, "display", option->display);
        json_object_set_object_member (value, "valueCoding", coding);
      }
      break;
    case KITH_ANSWER_INTEGER:
      json_object_set_int_member (value, "valueInteger", answer->integer);
      break;
    case KITH_ANSWER_BOOLEAN:
      json_object_set_boolean_member (value, "valueBoolean", answer->integer != 0);
      break;
    case KITH_ANSWER_TEXT:
      json_object_set_string_member (value, item->type == KITH_ITEM_DATE ? "valueDate" : "valueString",
                                     answer->text ? answer->text : "");
      break;
    default:
      break;
    }
  json_array_add_object_element (answers, value);
  json_object_set_array_member (object, "answer", answers);
  return object;
}

/* Builds the items under one Questionnaire item list, nesting groups and
 * leaving out groups with nothing answered. */
static JsonArray *
build_items (KithAnswerSet *self,
             JsonArray     *definition)
{
  JsonArray *out = json_array_new ();

  for (guint i = 0; definition && i < json_array_get_length (definition); i++)
    {
      JsonObject *def = array_object (definition, i);
      const char *link_id = kith_fhir_get_string (def, "linkId");
      const KithInstrumentItem *item = kith_instrument_lookup_item (self->instrument, link_id);
      const KithAnswer *answer = kith_answer_set_lookup (self, link_id);
      JsonArray *children = kith_fhir_get_array (def, "item");
      JsonObject *object = NULL;

      if (item == NULL)
        continue;
      if (answer != NULL)
        object = answer_to_item (item, answer);
      if (children != NULL)
        {
          JsonArray *nested = build_items (self, children);

          if (json_array_get_length (nested) > 0)
            {
              if (object == NULL)
                {
                  object = json_object_new ();
                  json_object_set_string_member (object, "linkId", link_id);
                  if (item->text)
                    json_object_set_string_member (object, "text", item->text);
                }
              json_object_set_array_member (object, "item", nested);
            }
          else
            json_array_unref (nested);
        }
      if (object)
        json_array_add_object_element (out, object);
    }
  return out;
}

JsonArray *
kith_answer_set_to_items (KithAnswerSet *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return build_items (self, kith_fhir_get_array (self->instrument->questionnaire, "item"));
}

GStrv
kith_answer_set_list_missing (KithAnswerSet *self)
{
  g_autoptr(GStrvBuilder) missing = g_strv_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->instrument->items->len; i++)
    {
      const KithInstrumentItem *item = self->instrument->items->pdata[i];

      if (item->required && item->type != KITH_ITEM_GROUP && item->type != KITH_ITEM_DISPLAY &&
          kith_answer_set_lookup (self, item->link_id) == NULL)
        g_strv_builder_add (missing, item->link_id);
    }
  return g_strv_builder_end (missing);
}

/* --- scoring ------------------------------------------------------------ */

static gboolean
item_value (KithAnswerSet *self,
            const char    *link_id,
            double        *value)
{
  const KithAnswer *answer = kith_answer_set_lookup (self, link_id);
  const KithAnswerOption *option;

  if (answer == NULL)
    return FALSE;
  switch (answer->kind)
    {
    case KITH_ANSWER_CODE:
      option = kith_instrument_item_lookup_option (kith_instrument_lookup_item (self->instrument, link_id),
                                                   answer->code);
      if (option == NULL || !option->has_ordinal)
        return FALSE;
      *value = option->ordinal;
      return TRUE;
    case KITH_ANSWER_INTEGER:
      *value = answer->integer;
      return TRUE;
    default:
      return FALSE;
    }
}

GPtrArray *
kith_answer_set_score (KithAnswerSet *self)
{
  GPtrArray *scores = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_score_free);

  g_return_val_if_fail (self != NULL, scores);

  for (guint s = 0; s < self->instrument->scores->len; s++)
    {
      const ScoreDef *def = self->instrument->scores->pdata[s];
      KithScore *score = g_new0 (KithScore, 1);
      double total = 0;
      gboolean complete = TRUE;

      score->name = g_strdup (def->name);
      score->title = g_strdup (def->title);
      score->max = def->max;
      score->observation_system = g_strdup (def->observation_system);
      score->observation_code = g_strdup (def->observation_code);
      score->observation_display = g_strdup (def->observation_display);
      g_ptr_array_add (scores, score);

      for (guint i = 0; def->items[i] && complete; i++)
        {
          if (def->method == SCORE_SUM)
            {
              double value;

              if (item_value (self, def->items[i], &value))
                total += value;
              else
                complete = FALSE;
            }
          else
            {
              const KithAnswer *answer = kith_answer_set_lookup (self, def->items[i]);

              if (answer == NULL || answer->kind != KITH_ANSWER_CODE)
                complete = FALSE;
              else if (!g_strv_contains ((const char * const *) def->codes, answer->code))
                total += 1;
            }
        }

      if (!complete)
        continue;
      score->has_value = TRUE;
      score->value = total;
      for (guint b = 0; b < def->bands->len; b++)
        {
          const ScoreBand *band = &g_array_index (def->bands, ScoreBand, b);

          /* Bands are whole numbers; a fractional total rounds down. */
          if (floor (total) >= band->from && floor (total) <= band->to)
            {
              score->band_code = g_strdup (band->code);
              score->band_title = g_strdup (band->title);
              break;
            }
        }
    }
  return scores;
}

KithFinding *
kith_finding_new_from_def (KithInstrument       *instrument,
                           const KithFindingDef *def,
                           const char           *why)
{
  KithFinding *finding = g_new0 (KithFinding, 1);

  finding->kind = def->kind;
  finding->instrument_id = g_strdup (instrument ? instrument->id : NULL);
  finding->name = g_strdup (def->name);
  finding->title = g_strdup (def->title);
  finding->advice = g_strdup (def->advice);
  finding->severity = g_strdup (def->severity);
  finding->requires_action = def->requires_action;
  finding->offer_instrument = g_strdup (def->offer_instrument);
  finding->why = g_strdup (why);
  return finding;
}
