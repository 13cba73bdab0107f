/* kith-patient.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-patient"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-fhir.h"
#include "kith-nhs-number.h"
#include "kith-patient.h"

struct _KithPatient
{
  GObject     parent_instance;

  /* The whole FHIR Patient; the fields below are read from it, and every
   * setter writes through to it, so members we do not know survive. */
  JsonObject *resource;

  char       *family;
  char       *given;
  char       *preferred_name;
  char       *birth_date;
  char       *nhs_number;
  char       *address;
  char       *phone;
  char       *gp_practice;
};

G_DEFINE_FINAL_TYPE (KithPatient, kith_patient, G_TYPE_OBJECT)

G_DEFINE_QUARK (kith-patient-error-quark, kith_patient_error)

static JsonArray *
ensure_array (JsonObject *object,
              const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      json_object_set_array_member (object, member, json_array_new ());
      node = json_object_get_member (object, member);
    }
  return json_node_get_array (node);
}

static JsonObject *
array_object (JsonArray *array,
              guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The first element of @member whose @key equals @value; created when
 * @create is set. */
static JsonObject *
find_entry (JsonObject *resource,
            const char *member,
            const char *key,
            const char *value,
            gboolean    create)
{
  JsonArray *array;
  JsonObject *entry;

  if (!json_object_has_member (resource, member) && !create)
    return NULL;
  array = ensure_array (resource, member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      entry = array_object (array, i);
      if (entry != NULL && g_strcmp0 (kith_fhir_get_string (entry, key), value) == 0)
        return entry;
    }
  if (!create)
    return NULL;
  entry = json_object_new ();
  json_object_set_string_member (entry, key, value);
  json_array_add_object_element (array, entry);
  return entry;
}

static JsonObject *
find_official_name (JsonObject *resource,
                    gboolean    create)
{
  JsonObject *name = find_entry (resource, "name", "use", "official", FALSE);
  JsonNode *node;

  if (name != NULL || create)
    return name ? name : find_entry (resource, "name", "use", "official", TRUE);

  /* No "official" name: fall back to the first one, as other systems send. */
  node = json_object_get_member (resource, "name");
  if (node && JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 0)
    return array_object (json_node_get_array (node), 0);
  return NULL;
}

static char *
first_string (JsonObject *object,
              const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    return NULL;
  node = json_array_get_element (array, 0);
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static char *
read_address (JsonObject *resource)
{
  JsonObject *address = NULL;
  JsonNode *node = json_object_get_member (resource, "address");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  JsonNode *lines;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return NULL;
  address = array_object (json_node_get_array (node), 0);
  if (address == NULL)
    return NULL;

  lines = json_object_get_member (address, "line");
  if (lines && JSON_NODE_HOLDS_ARRAY (lines))
    {
      JsonArray *array = json_node_get_array (lines);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *line = json_array_get_element (array, i);

          if (JSON_NODE_TYPE (line) == JSON_NODE_VALUE && json_node_get_value_type (line) == G_TYPE_STRING)
            g_ptr_array_add (parts, (gpointer) json_node_get_string (line));
        }
    }
  if (kith_fhir_get_string (address, "city"))
    g_ptr_array_add (parts, (gpointer) kith_fhir_get_string (address, "city"));
  if (kith_fhir_get_string (address, "postalCode"))
    g_ptr_array_add (parts, (gpointer) kith_fhir_get_string (address, "postalCode"));
  if (parts->len == 0 && kith_fhir_get_string (address, "text"))
    return g_strdup (kith_fhir_get_string (address, "text"));
  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("\n", (char **) parts->pdata);
}

static void
load_fields (KithPatient *self)
{
  JsonObject *resource = self->resource;
  JsonObject *official = find_official_name (resource, FALSE);
  JsonObject *usual = find_entry (resource, "name", "use", "usual", FALSE);
  JsonObject *nhs = find_entry (resource, "identifier", "system", KITH_FHIR_NHS_NUMBER_SYSTEM, FALSE);
  JsonObject *phone = find_entry (resource, "telecom", "system", "phone", FALSE);
  JsonNode *gp = json_object_get_member (resource, "generalPractitioner");

  self->family = g_strdup (kith_fhir_get_string (official, "family"));
  self->given = first_string (official, "given");
  self->preferred_name = first_string (usual, "given");
  self->birth_date = g_strdup (kith_fhir_get_string (resource, "birthDate"));
  self->nhs_number = g_strdup (kith_fhir_get_string (nhs, "value"));
  self->address = read_address (resource);
  self->phone = g_strdup (kith_fhir_get_string (phone, "value"));
  if (gp && JSON_NODE_HOLDS_ARRAY (gp) && json_array_get_length (json_node_get_array (gp)) > 0)
    self->gp_practice = g_strdup (kith_fhir_get_string (array_object (json_node_get_array (gp), 0), "display"));
}

static void
kith_patient_finalize (GObject *object)
{
  KithPatient *self = (KithPatient *) object;

  g_clear_pointer (&self->resource, json_object_unref);
  g_free (self->family);
  g_free (self->given);
  g_free (self->preferred_name);
  g_free (self->birth_date);
  g_free (self->nhs_number);
  g_free (self->address);
  g_free (self->phone);
  g_free (self->gp_practice);

  G_OBJECT_CLASS (kith_patient_parent_class)->finalize (object);
}

static void
kith_patient_class_init (KithPatientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kith_patient_finalize;
}

static void
kith_patient_init (KithPatient *self)
{
}

KithPatient *
kith_patient_new (void)
{
  KithPatient *self = g_object_new (KITH_TYPE_PATIENT, NULL);
  g_autofree char *id = kith_fhir_new_id ();

  self->resource = json_object_new ();
  json_object_set_string_member (self->resource, "resourceType", "Patient");
  json_object_set_string_member (self->resource, "id", id);
  return self;
}

/* Lenient on purpose: a record that came from elsewhere is shown as it is,
 * even with a field Kith would refuse on entry. kith_patient_validate() is
 * the strict check made before Kith itself saves. */
KithPatient *
kith_patient_new_from_json (JsonObject  *resource,
                            GError     **error)
{
  KithPatient *self;

  g_return_val_if_fail (resource != NULL, NULL);

  if (g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "Patient") != 0)
    {
      g_set_error_literal (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_RESOURCE,
                           _("The record is not a Patient resource"));
      return NULL;
    }
  if (!kith_fhir_is_valid_id (kith_fhir_get_string (resource, "id")))
    {
      g_set_error_literal (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_RESOURCE,
                           _("The Patient record has no valid id"));
      return NULL;
    }

  self = g_object_new (KITH_TYPE_PATIENT, NULL);
  self->resource = json_object_ref (resource);
  load_fields (self);
  return self;
}

JsonObject *
kith_patient_to_json (KithPatient *self)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);

  return json_object_ref (self->resource);
}

const char *
kith_patient_get_id (KithPatient *self)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);
  return kith_fhir_get_string (self->resource, "id");
}

const char *
kith_patient_get_version_id (KithPatient *self)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);
  return kith_fhir_get_version_id (self->resource);
}

static void
replace_string (char       **field,
                const char  *value)
{
  char *copy = (value && *value) ? g_strdup (value) : NULL;

  g_free (*field);
  *field = copy;
}

const char *
kith_patient_get_family (KithPatient *self)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);
  return self->family;
}

void
kith_patient_set_family (KithPatient *self,
                         const char  *family)
{
  g_return_if_fail (KITH_IS_PATIENT (self));

  replace_string (&self->family, family);
  if (self->family)
    json_object_set_string_member (find_official_name (self->resource, TRUE), "family", self->family);
  else if (find_official_name (self->resource, FALSE))
    json_object_remove_member (find_official_name (self->resource, FALSE), "family");
}

static void
set_single_given (JsonObject *name,
                  const char *given)
{
  JsonArray *array;

  if (given == NULL)
    {
      if (json_object_has_member (name, "given"))
        json_object_remove_member (name, "given");
      return;
    }
  /* Keep middle names: only the first given name is replaced. */
  array = ensure_array (name, "given");
  if (json_array_get_length (array) > 0 &&
      JSON_NODE_TYPE (json_array_get_element (array, 0)) == JSON_NODE_VALUE)
    json_node_set_string (json_array_get_element (array, 0), given);
  else if (json_array_get_length (array) > 0)
    {
      json_array_remove_element (array, 0);
      json_array_add_string_element (array, given);
    }
  else
    json_array_add_string_element (array, given);
}

const char *
kith_patient_get_given (KithPatient *self)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);
  return self->given;
}

void
kith_patient_set_given (KithPatient *self,
                        const char  *given)
{
  g_return_if_fail (KITH_IS_PATIENT (self));

  replace_string (&self->given, given);
  set_single_given (find_official_name (self->resource, TRUE), self->given);
}

const char *
kith_patient_get_preferred_name (KithPatient *self)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);
  return self->preferred_name;
}

void
kith_patient_set_preferred_name (KithPatient *self,
                                 const char  *preferred_name)
{
  g_return_if_fail (KITH_IS_PATIENT (self));

  replace_string (&self->preferred_name, preferred_name);
  if (self->preferred_name)
    set_single_given (find_entry (self->resource, "name", "use", "usual", TRUE), self->preferred_name);
  else if (find_entry (self->resource, "name", "use", "usual", FALSE))
    set_single_given (find_entry (self->resource, "name", "use", "usual", FALSE), NULL);
}

const char *
kith_patient_get_birth_date (KithPatient *self)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);
  return self->birth_date;
}

static gboolean
parse_iso_date (const char *text,
                GDate      *date)
{
  unsigned year, month, day;
  char tail;

  g_date_clear (date, 1);
  if (text == NULL || strlen (text) != 10 ||
      sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &tail) != 3)
    return FALSE;
  if (!g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static void
local_today (GDate *today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (today, 1);
  g_date_set_dmy (today, g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now), g_date_time_get_year (now));
}

static gboolean
check_birth_date (const char  *birth_date,
                  GError     **error)
{
  GDate date, today;

  if (!parse_iso_date (birth_date, &date))
    {
      g_set_error_literal (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_BIRTH_DATE,
                           _("Date of birth: not a real date (use the form 1948-03-21)"));
      return FALSE;
    }
  local_today (&today);
  if (g_date_compare (&date, &today) > 0)
    {
      g_set_error_literal (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_BIRTH_DATE,
                           _("Date of birth: it is in the future"));
      return FALSE;
    }
  if (g_date_get_year (&date) < 1880)
    {
      g_set_error_literal (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_BIRTH_DATE,
                           _("Date of birth: it is too long ago to be right"));
      return FALSE;
    }
  return TRUE;
}

gboolean
kith_patient_set_birth_date (KithPatient  *self,
                             const char   *birth_date,
                             GError      **error)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), FALSE);

  if (birth_date == NULL || *birth_date == '\0')
    {
      g_clear_pointer (&self->birth_date, g_free);
      if (json_object_has_member (self->resource, "birthDate"))
        json_object_remove_member (self->resource, "birthDate");
      return TRUE;
    }
  if (!check_birth_date (birth_date, error))
    return FALSE;

  replace_string (&self->birth_date, birth_date);
  json_object_set_string_member (self->resource, "birthDate", birth_date);
  return TRUE;
}

const char *
kith_patient_get_nhs_number (KithPatient *self)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);
  return self->nhs_number;
}

gboolean
kith_patient_set_nhs_number (KithPatient  *self,
                             const char   *input,
                             GError      **error)
{
  g_autofree char *digits = NULL;
  JsonObject *identifier;

  g_return_val_if_fail (KITH_IS_PATIENT (self), FALSE);

  if (input == NULL || *input == '\0')
    {
      g_autoptr(JsonArray) kept = json_array_new ();
      JsonNode *node = json_object_get_member (self->resource, "identifier");

      g_clear_pointer (&self->nhs_number, g_free);
      if (node && JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonObject *entry = array_object (array, i);

              if (entry == NULL || g_strcmp0 (kith_fhir_get_string (entry, "system"), KITH_FHIR_NHS_NUMBER_SYSTEM) != 0)
                json_array_add_element (kept, json_node_copy (json_array_get_element (array, i)));
            }
          json_object_set_array_member (self->resource, "identifier", g_steal_pointer (&kept));
        }
      return TRUE;
    }

  if (!(digits = kith_nhs_number_normalise (input, error)))
    return FALSE;

  identifier = find_entry (self->resource, "identifier", "system", KITH_FHIR_NHS_NUMBER_SYSTEM, TRUE);
  json_object_set_string_member (identifier, "value", digits);
  g_free (self->nhs_number);
  self->nhs_number = g_steal_pointer (&digits);
  return TRUE;
}

const char *
kith_patient_get_address (KithPatient *self)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);
  return self->address;
}

/* Free text from the window: the last line is taken as the postcode when
 * there are three or more lines, and the one before as the town. */
void
kith_patient_set_address (KithPatient *self,
                          const char  *address)
{
  g_auto(GStrv) lines = NULL;
  JsonObject *home;
  JsonArray *line_array;
  guint n = 0, n_street;

  g_return_if_fail (KITH_IS_PATIENT (self));

  replace_string (&self->address, address);
  if (json_object_has_member (self->resource, "address"))
    json_object_remove_member (self->resource, "address");
  if (self->address == NULL)
    return;

  lines = g_strsplit (self->address, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i])
        lines[n++] = lines[i];
      else
        g_free (lines[i]);
    }
  lines[n] = NULL;

  home = find_entry (self->resource, "address", "use", "home", TRUE);
  line_array = ensure_array (home, "line");
  n_street = n >= 3 ? n - 2 : n;
  for (guint i = 0; i < n_street; i++)
    json_array_add_string_element (line_array, lines[i]);
  if (n >= 3)
    {
      json_object_set_string_member (home, "city", lines[n - 2]);
      json_object_set_string_member (home, "postalCode", lines[n - 1]);
    }
}

const char *
kith_patient_get_phone (KithPatient *self)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);
  return self->phone;
}

void
kith_patient_set_phone (KithPatient *self,
                        const char  *phone)
{
  g_return_if_fail (KITH_IS_PATIENT (self));

  replace_string (&self->phone, phone);
  if (self->phone)
    json_object_set_string_member (find_entry (self->resource, "telecom", "system", "phone", TRUE),
                                   "value", self->phone);
}

const char *
kith_patient_get_gp_practice (KithPatient *self)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);
  return self->gp_practice;
}

void
kith_patient_set_gp_practice (KithPatient *self,
                              const char  *practice_name)
{
  JsonObject *gp;
  JsonArray *array;

  g_return_if_fail (KITH_IS_PATIENT (self));

  replace_string (&self->gp_practice, practice_name);
  if (self->gp_practice == NULL)
    {
      if (json_object_has_member (self->resource, "generalPractitioner"))
        json_object_remove_member (self->resource, "generalPractitioner");
      return;
    }
  array = ensure_array (self->resource, "generalPractitioner");
  if (json_array_get_length (array) == 0 || (gp = array_object (array, 0)) == NULL)
    {
      gp = json_object_new ();
      json_array_add_object_element (array, gp);
    }
  json_object_set_string_member (gp, "display", self->gp_practice);
}

char *
kith_patient_dup_list_name (KithPatient *self)
{
  g_autoptr(GString) name = g_string_new (NULL);

  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);

  if (self->family)
    {
      g_autofree char *upper = g_utf8_strup (self->family, -1);
      g_string_append (name, upper);
    }
  if (self->given)
    g_string_append_printf (name, "%s%s", name->len ? ", " : "", self->given);
  if (self->preferred_name && g_strcmp0 (self->preferred_name, self->given) != 0)
    g_string_append_printf (name, " (%s)", self->preferred_name);
  if (name->len == 0)
    g_string_append (name, _("Name not recorded"));
  return g_string_free (g_steal_pointer (&name), FALSE);
}

char *
kith_patient_dup_spoken_name (KithPatient *self)
{
  const char *first;

  g_return_val_if_fail (KITH_IS_PATIENT (self), NULL);

  first = self->preferred_name ? self->preferred_name : self->given;
  if (first && self->family)
    return g_strdup_printf ("%s %s", first, self->family);
  if (first || self->family)
    return g_strdup (first ? first : self->family);
  return g_strdup (_("Name not recorded"));
}

int
kith_age_from_birth_date (const char *birth_date,
                          GDate      *today)
{
  GDate date, now;
  int age;

  if (!parse_iso_date (birth_date, &date))
    return -1;
  if (today == NULL)
    {
      local_today (&now);
      today = &now;
    }
  if (g_date_compare (&date, today) > 0)
    return -1;

  age = g_date_get_year (today) - g_date_get_year (&date);
  if (g_date_get_month (today) < g_date_get_month (&date) ||
      (g_date_get_month (today) == g_date_get_month (&date) &&
       g_date_get_day (today) < g_date_get_day (&date)))
    age--;
  return age;
}

int
kith_patient_get_age (KithPatient *self,
                      GDate       *today)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), -1);
  return kith_age_from_birth_date (self->birth_date, today);
}

gboolean
kith_patient_validate (KithPatient  *self,
                       GError      **error)
{
  g_return_val_if_fail (KITH_IS_PATIENT (self), FALSE);

  if (self->family == NULL && self->given == NULL)
    {
      g_set_error_literal (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_MISSING_NAME,
                           _("Name: enter at least a family name or a given name"));
      return FALSE;
    }
  if (self->nhs_number != NULL && !kith_nhs_number_is_valid (self->nhs_number))
    {
      g_autofree char *digits = kith_nhs_number_normalise (self->nhs_number, error);
      if (digits == NULL)
        return FALSE;
    }
  if (self->birth_date != NULL && !check_birth_date (self->birth_date, error))
    return FALSE;
  return TRUE;
}
