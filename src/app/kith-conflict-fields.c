/* kith-conflict-fields.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A merge path is members joined by dots; a member that is a list of
 * elements is followed by the key of one element in brackets, as the
 * merge keys them (kith-merge.c): its "id", "url", reference or "linkId".
 * Keys may hold dots (URLs), never a closing bracket.
 */

#define G_LOG_DOMAIN "kith-conflict-fields"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kith-conflict-fields.h"
#include "kith-format.h"

/* The core's marker: a resource deleted on the server, edited here */
#define DELETED_ON_SERVER "(deleted on the server)"

typedef struct
{
  char *name;
  char *key;    /* NULL: a plain member */
} Segment;

static void
segment_clear (gpointer data)
{
  Segment *segment = data;

  g_free (segment->name);
  g_free (segment->key);
}

static GArray *
parse_path (const char *path)
{
  GArray *segments = g_array_new (FALSE, TRUE, sizeof (Segment));
  const char *p = path;

  g_array_set_clear_func (segments, segment_clear);
  while (p != NULL && *p != '\0')
    {
      Segment segment = { NULL, NULL };
      gsize name_length = strcspn (p, ".[");

      segment.name = g_strndup (p, name_length);
      p += name_length;
      if (*p == '[')
        {
          const char *end = strchr (p, ']');

          if (end == NULL)
            {
              segment_clear (&segment);
              g_array_set_size (segments, 0);
              return segments;
            }
          segment.key = g_strndup (p + 1, end - p - 1);
          p = end + 1;
        }
      g_array_append_val (segments, segment);
      if (*p == '.')
        p++;
    }
  return segments;
}

/* The element's key, the way the merge finds it */
static gboolean
element_has_key (JsonNode   *element,
                 const char *key)
{
  static const char * const members[] = { "id", "url", "reference", "linkId" };
  JsonObject *object;

  if (element == NULL || !JSON_NODE_HOLDS_OBJECT (element))
    return FALSE;
  object = json_node_get_object (element);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = json_object_get_member (object, members[i]);

      /* CarePlan.activity nests it: {"reference": {"reference": "#action-1"}} */
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) && g_str_equal (members[i], "reference"))
        node = json_object_get_member (json_node_get_object (node), "reference");
      if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (node), key) == 0)
        return TRUE;
    }
  return FALSE;
}

static int
find_element (JsonArray  *array,
              const char *key)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (element_has_key (json_array_get_element (array, i), key))
      return (int) i;
  return -1;
}

/* One step down from @node (an object) */
static JsonNode *
step (JsonNode      *node,
      const Segment *segment)
{
  JsonNode *member;
  int index;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  member = json_object_get_member (json_node_get_object (node), segment->name);
  if (segment->key == NULL || member == NULL)
    return member;
  if (!JSON_NODE_HOLDS_ARRAY (member))
    return NULL;
  index = find_element (json_node_get_array (member), segment->key);
  return index >= 0 ? json_array_get_element (json_node_get_array (member), index) : NULL;
}

JsonNode *
kith_conflict_fields_lookup (JsonObject *resource,
                             const char *path)
{
  g_autoptr(GArray) segments = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonNode *node;

  g_return_val_if_fail (path != NULL, NULL);

  if (resource == NULL)
    return NULL;
  segments = parse_path (path);
  if (segments->len == 0)
    return NULL;
  root = json_node_init_object (json_node_alloc (), resource);
  node = root;
  for (guint i = 0; i < segments->len && node != NULL; i++)
    node = step (node, &g_array_index (segments, Segment, i));
  return node;
}

gboolean
kith_conflict_fields_apply (JsonObject *target,
                            JsonObject *source,
                            const char *path)
{
  g_autoptr(GArray) segments = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonNode *value = kith_conflict_fields_lookup (source, path);
  JsonNode *parent;
  const Segment *last;
  JsonObject *object;
  JsonNode *member;

  g_return_val_if_fail (target != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  segments = parse_path (path);
  if (segments->len == 0)
    return FALSE;
  root = json_node_init_object (json_node_alloc (), target);
  parent = root;
  for (guint i = 0; i + 1 < segments->len && parent != NULL; i++)
    parent = step (parent, &g_array_index (segments, Segment, i));
  if (parent == NULL || !JSON_NODE_HOLDS_OBJECT (parent))
    return value == NULL;   /* nothing there, and nothing wanted there */

  object = json_node_get_object (parent);
  last = &g_array_index (segments, Segment, segments->len - 1);
  if (last->key == NULL)
    {
      if (value != NULL)
        json_object_set_member (object, last->name, kith_json_deep_copy (value));
      else if (json_object_has_member (object, last->name))
        json_object_remove_member (object, last->name);
      return TRUE;
    }

  /* An element of a list: replaced, added at the end, or taken out */
  member = json_object_get_member (object, last->name);
  if (member == NULL && value != NULL)
    {
      json_object_set_array_member (object, last->name, json_array_new ());
      member = json_object_get_member (object, last->name);
    }
  if (member == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (member))
    return FALSE;

  {
    JsonArray *array = json_node_get_array (member);
    int index = find_element (array, last->key);

    if (index >= 0)
      json_array_remove_element (array, index);
    if (value != NULL)
      {
        /* json-glib has no insert: put it back where it was by rebuilding. */
        JsonArray *rebuilt = json_array_new ();
        guint length = json_array_get_length (array);

        for (guint i = 0; i <= length; i++)
          {
            if ((index < 0 && i == length) || (int) i == index)
              json_array_add_element (rebuilt, kith_json_deep_copy (value));
            if (i < length)
              json_array_add_element (rebuilt, json_node_ref (json_array_get_element (array, i)));
          }
        json_object_set_array_member (object, last->name, rebuilt);
      }
  }
  return TRUE;
}

/* Kith's own extensions, by the last part of their URL */
static const struct
{
  const char *slug;
  const char *words;
} extension_words[] = {
  { "about-me", N_("About me") },
  { "what-matters", N_("What matters to them") },
  { "medicines-review", N_("Medicines review") },
  { "review-date", N_("Review date") },
  { "plan-state", N_("State of the plan") },
  { "consent-to-share", N_("Consent to share") },
  { "crisis-warning-signs", N_("Crisis: warning signs") },
  { "crisis-what-to-do", N_("Crisis: what to do") },
  { "crisis-contact", N_("Crisis: who to contact") },
  { "print-crisis-first", N_("Crisis section printed first") },
  { "support", N_("Support") },
  { "crunch-point", N_("Crunch point") },
  { "agreement", N_("Agreement") },
  { "shared-decision", N_("Shared decision") },
  { "member-phone", N_("Phone") },
  { "member-hours", N_("Hours") },
  { "goal-measure", N_("How progress is measured") },
  { "owner-kind", N_("Who does it") },
  { "alert-action", N_("Action taken on the alert") },
  { "need-why", N_("Why this is a need") },
  { "need-dismiss-reason", N_("Why the need was dismissed") },
};

/* FHIR's own members that a person would call something else */
static const struct
{
  const char *member;
  const char *words;
} member_words[] = {
  { "description", N_("Description") },
  { "status", N_("Status") },
  { "lifecycleStatus", N_("Status") },
  { "intent", N_("Intent") },
  { "title", N_("Title") },
  { "note", N_("Notes") },
  { "period", N_("Dates") },
  { "telecom", N_("Phone and email") },
  { "address", N_("Address") },
  { "name", N_("Name") },
  { "birthDate", N_("Date of birth") },
  { "gender", N_("Gender") },
  { "participant", N_("Who is involved") },
  { "activity", N_("Actions") },
  { "goal", N_("Goals") },
  { "restriction", N_("Due date") },
  { "owner", N_("Who does it") },
  { "answer", N_("Answer") },
  { "item", N_("Question") },
};

/* Words that say nothing to a person: FHIR's plumbing */
static gboolean
is_plumbing (const char *name)
{
  return g_str_has_prefix (name, "value") || g_str_equal (name, "text") ||
         g_str_equal (name, "extension") || g_str_equal (name, "coding") ||
         g_str_equal (name, "display") || g_str_equal (name, "end") ||
         g_str_equal (name, "start") || g_str_equal (name, "reference");
}

static char *
words_for_slug (const char *slug)
{
  char *words;

  for (guint i = 0; i < G_N_ELEMENTS (extension_words); i++)
    if (g_str_equal (slug, extension_words[i].slug))
      return g_strdup (_(extension_words[i].words));

  /* Another extension: its name, as words */
  words = g_strdelimit (g_strdup (slug), "-_", ' ');
  if (*words != '\0')
    words[0] = g_ascii_toupper (words[0]);
  return words;
}

static char *
words_for_member (const char *name)
{
  GString *words;

  for (guint i = 0; i < G_N_ELEMENTS (member_words); i++)
    if (g_str_equal (name, member_words[i].member))
      return g_strdup (_(member_words[i].words));

  /* camelCase to "Camel case" */
  words = g_string_new (NULL);
  for (const char *p = name; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p) && p != name)
        g_string_append_c (words, ' ');
      g_string_append_c (words, p == name ? g_ascii_toupper (*p) : g_ascii_tolower (*p));
    }
  return g_string_free (words, FALSE);
}

static const char *
words_for_contained (const char *resource_type)
{
  if (g_strcmp0 (resource_type, "Goal") == 0)
    return _("Goal");
  if (g_strcmp0 (resource_type, "Task") == 0)
    return _("Action");
  if (g_strcmp0 (resource_type, "CareTeam") == 0)
    return _("Care team");
  return NULL;
}

char *
kith_conflict_fields_describe_path (JsonObject *resource,
                                    const char *path)
{
  g_autoptr(GArray) segments = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) root = NULL;
  JsonNode *node;

  g_return_val_if_fail (path != NULL, NULL);

  if (kith_conflict_fields_is_deletion (path))
    return g_strdup (_("Deleted on the practice server"));

  segments = parse_path (path);
  if (resource != NULL)
    root = json_node_init_object (json_node_alloc (), resource);
  node = root;
  for (guint i = 0; i < segments->len; i++)
    {
      const Segment *segment = &g_array_index (segments, Segment, i);
      JsonNode *next = node != NULL ? step (node, segment) : NULL;
      const char *contained_type = NULL;

      if (segment->key != NULL && g_str_equal (segment->name, "extension"))
        {
          const char *slash = strrchr (segment->key, '/');

          g_ptr_array_add (parts, words_for_slug (slash != NULL ? slash + 1 : segment->key));
        }
      else if (segment->key != NULL && g_str_equal (segment->name, "contained") &&
               next != NULL && JSON_NODE_HOLDS_OBJECT (next) &&
               (contained_type = words_for_contained (kith_fhir_get_string (json_node_get_object (next),
                                                                             "resourceType"))) != NULL)
        {
          g_ptr_array_add (parts, g_strdup (contained_type));
        }
      else if (!is_plumbing (segment->name) || (parts->len == 0 && i + 1 == segments->len))
        {
          g_ptr_array_add (parts, words_for_member (segment->name));
        }
      node = next;
    }

  if (parts->len == 0)
    return g_strdup (path);

  /* "Goal: description", not "Goal: Description" */
  for (guint i = 1; i < parts->len; i++)
    {
      char *part = parts->pdata[i];

      if (g_ascii_isupper (part[0]) && !g_ascii_isupper (part[1]))
        part[0] = g_ascii_tolower (part[0]);
    }
  g_ptr_array_add (parts, NULL);
  /* Translators: the parts of a field's name, "Goal: description" */
  return g_strjoinv (_(": "), (char **) parts->pdata);
}

static void
collect_words (JsonNode  *node,
               GPtrArray *words)
{
  if (node == NULL || words->len >= 8)
    return;

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      g_autofree char *text = kith_conflict_fields_describe_value (node);

      g_ptr_array_add (words, g_steal_pointer (&text));
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_words (json_array_get_element (array, i), words);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);
      static const char * const preferred[] = { "text", "display", "description", "valueString" };

      /* A CodeableConcept's text, a reference's display, a goal's description */
      for (guint i = 0; i < G_N_ELEMENTS (preferred); i++)
        if (json_object_has_member (object, preferred[i]))
          {
            collect_words (json_object_get_member (object, preferred[i]), words);
            return;
          }

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;

          /* Identifiers and codes' systems say nothing to a person. */
          if (g_str_equal (name, "id") || g_str_equal (name, "url") || g_str_equal (name, "system") ||
              g_str_equal (name, "reference") || g_str_equal (name, "resourceType") ||
              g_str_equal (name, "meta"))
            continue;
          collect_words (json_object_get_member (object, name), words);
        }
    }
}

char *
kith_conflict_fields_describe_value (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup (_("Not recorded"));

  if (JSON_NODE_HOLDS_VALUE (value))
    {
      GType type = json_node_get_value_type (value);

      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (value) ? _("Yes") : _("No"));
      if (type == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (value);
          char *date = NULL;

          /* A date on its own, "2026-03-03", as "3 March 2026" */
          if (strlen (text) == 10 && text[4] == '-' && text[7] == '-' &&
              (date = kith_format_iso_date (text, KITH_DATE_STYLE_LONG)) != NULL)
            return date;
          return g_strdup (text);
        }
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
      if (type == G_TYPE_DOUBLE)
        return g_strdup_printf ("%g", json_node_get_double (value));
      return g_strdup ("");
    }

  {
    g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);

    collect_words (value, words);
    if (words->len == 0)
      return g_strdup (_("Not recorded"));
    g_ptr_array_add (words, NULL);
    return g_strjoinv ("; ", (char **) words->pdata);
  }
}

const char *
kith_conflict_fields_describe_type (const char *type)
{
  static const struct
  {
    const char *type;
    const char *words;
  } types[] = {
    { "CarePlan", N_("Care plan") },
    { "Patient", N_("Personal details") },
    { "QuestionnaireResponse", N_("Assessment answers") },
    { "Observation", N_("Score") },
    { "Flag", N_("Safety alert") },
    { "Condition", N_("Need") },
    { "RelatedPerson", N_("Carer") },
    { "Consent", N_("Consent") },
    { "CareTeam", N_("Care team") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_strcmp0 (type, types[i].type) == 0)
      return _(types[i].words);
  return type;
}

gboolean
kith_conflict_fields_is_deletion (const char *path)
{
  return g_strcmp0 (path, DELETED_ON_SERVER) == 0;
}

JsonObject *
kith_conflict_fields_build_resolution (KithSyncConflict *conflict,
                                       const gboolean   *keep_mine,
                                       GError          **error)
{
  g_autoptr(JsonObject) resolved = NULL;

  g_return_val_if_fail (conflict != NULL, NULL);
  g_return_val_if_fail (keep_mine != NULL, NULL);

  if (conflict->remote == NULL || conflict->local == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Only one version is left: keep it, or leave it for now"));
      return NULL;
    }

  resolved = kith_fhir_copy_resource (conflict->remote);
  for (guint i = 0; conflict->paths != NULL && conflict->paths[i] != NULL; i++)
    {
      if (!keep_mine[i])
        continue;
      if (!kith_conflict_fields_apply (resolved, conflict->local, conflict->paths[i]))
        {
          g_autofree char *field = kith_conflict_fields_describe_path (conflict->local, conflict->paths[i]);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       /* Translators: %s is a field, "Goal: description" */
                       _("“%s” cannot be taken from your version on its own: keep all of one version instead"),
                       field);
          return NULL;
        }
    }
  return g_steal_pointer (&resolved);
}
