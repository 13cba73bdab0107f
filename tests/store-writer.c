/* store-writer.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helper for test-store-crash: writes to a store in a loop and prints the
 * id of each write after its commit returns. The test kills it at random.
 */

#include "config.h"

#include <stdio.h>

#include "kith-core.h"

static JsonObject *
make_patient (const char *id,
              guint       n)
{
  JsonObject *patient = json_object_new ();
  JsonArray *names = json_array_new ();
  JsonObject *name = json_object_new ();
  JsonArray *given = json_array_new ();
  g_autofree char *given_text = g_strdup_printf ("Number%u", n);

  json_object_set_string_member (patient, "resourceType", "Patient");
  json_object_set_string_member (patient, "id", id);
  json_object_set_string_member (name, "use", "official");
  json_object_set_string_member (name, "family", "Writer");
  json_array_add_string_element (given, given_text);
  json_object_set_array_member (name, "given", given);
  json_array_add_object_element (names, name);
  json_object_set_array_member (patient, "name", names);
  return patient;
}

static JsonObject *
make_condition (const char *id,
                const char *patient_id)
{
  JsonObject *condition = json_object_new ();
  JsonObject *subject = json_object_new ();
  g_autofree char *ref = g_strdup_printf ("Patient/%s", patient_id);

  json_object_set_string_member (condition, "resourceType", "Condition");
  json_object_set_string_member (condition, "id", id);
  json_object_set_string_member (subject, "reference", ref);
  json_object_set_object_member (condition, "subject", subject);
  return condition;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithStore) store = NULL;

  if (argc != 3)
    {
      fprintf (stderr, "usage: store-writer STORE TAG\n");
      return 2;
    }
  store = kith_store_open (argv[1], &error);
  if (store == NULL)
    {
      fprintf (stderr, "store-writer: %s\n", error->message);
      return 1;
    }

  for (guint i = 0;; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s-%u", argv[2], i);
      g_autoptr(JsonObject) patient = make_patient (id, i);
      gboolean ok;

      if (i % 3 == 0)
        {
          /* A two-resource transaction: both or neither must survive. */
          g_autofree char *condition_id = g_strdup_printf ("%s-c", id);
          g_autoptr(JsonObject) condition = make_condition (condition_id, id);

          ok = kith_store_begin (store, &error) &&
               kith_store_save_resource (store, patient, NULL, &error) &&
               kith_store_save_resource (store, condition, NULL, &error) &&
               kith_store_commit (store, &error);
        }
      else
        {
          ok = kith_store_save_resource (store, patient, NULL, &error);
          /* and a second version, so history grows too */
          ok = ok && kith_store_save_resource (store, patient, "1", &error);
        }
      if (!ok)
        {
          fprintf (stderr, "store-writer: %s\n", error->message);
          return 1;
        }
      printf ("%s\n", id);
      fflush (stdout);
    }
}
