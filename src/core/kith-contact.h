/* kith-contact.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kith-types.h"

G_BEGIN_DECLS

/* The co-ordinator's contacts with a person, planned home visits, hospital
 * stays and the virtual ward, as FHIR Encounter and EpisodeOfCare
 * (COORDINATION.md, "Contact log, planned visits, hospital stays"). All of
 * it goes through the local store, so it works offline and syncs. */

#define KITH_CONTACT_TYPE_SYSTEM KITH_FHIR_BASE "/CodeSystem/contact-type"
#define KITH_EPISODE_TYPE_SYSTEM KITH_FHIR_BASE "/CodeSystem/episode-type"

#define KITH_CONTACT_ERROR (kith_contact_error_quark ())

typedef enum
{
  KITH_CONTACT_ERROR_INVALID,      /* a missing or malformed field, named in the message */
  KITH_CONTACT_ERROR_NOT_FOUND,    /* no such person, visit, plan or plan action */
  KITH_CONTACT_ERROR_WRONG_STATE,  /* a visit already logged, a discharge with no one admitted… */
  KITH_CONTACT_ERROR_WARD_FULL,    /* the virtual ward has no place left: admit with force */
} KithContactError;

typedef enum
{
  KITH_CONTACT_HOME_VISIT,
  KITH_CONTACT_PHONE,
  KITH_CONTACT_CLINIC,
  KITH_CONTACT_EMAIL,
} KithContactKind;

#define KITH_CONTACT_N_KINDS 4

/* One contact with the person, logged or planned. */
typedef struct
{
  char            *id;           /* the Encounter; NULL before it is saved */
  char            *patient_id;
  KithContactKind  kind;
  gboolean         planned;      /* on the diary, not made yet */
  char            *when;         /* an instant, or a date (YYYY-MM-DD) */
  GStrv            participants; /* who was there, the professional first */
  char            *notes;
  char            *plan_id;      /* the plan action it served, or NULL */
  char            *action_id;
} KithContactEntry;

/* A hospital stay: admitted, and discharged once it is over. */
typedef struct
{
  char *id;
  char *patient_id;
  char *admitted;      /* date, or NULL when only the discharge is known */
  char *discharged;    /* date, or NULL while in hospital */
  char *hospital;
  char *reason;
  char *discharge_note;
} KithHospitalStay;

/* A place on the virtual ward. */
typedef struct
{
  char *id;            /* the EpisodeOfCare */
  char *patient_id;
  char *person_name;   /* as the caseload lists it: "SMITH, Margaret (Peggy)" */
  char *admitted;      /* date */
  char *discharged;    /* date, or NULL while on the ward */
  char *clinician;     /* the responsible clinician, or NULL */
} KithWardStay;

void               kith_contact_entry_free       (KithContactEntry *entry);
void               kith_hospital_stay_free       (KithHospitalStay *stay);
void               kith_ward_stay_free           (KithWardStay     *stay);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithContactEntry, kith_contact_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithHospitalStay, kith_hospital_stay_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithWardStay, kith_ward_stay_free)

GQuark             kith_contact_error_quark      (void);

/* "home-visit" … "email" and back; the label is translated ("Home visit"). */
const char        *kith_contact_kind_to_code     (KithContactKind   kind);
gboolean           kith_contact_kind_from_code   (const char       *code,
                                                  KithContactKind  *kind);
const char        *kith_contact_kind_to_label    (KithContactKind   kind);
/* "Bethan Hughes, Peggy; Daniel (son)" -> each name, trimmed, empties
 * dropped: how "who was there" is typed. */
GStrv              kith_contact_split_participants (const char     *text);

/* A contact Encounter read back (not a hospital stay or a meeting). */
KithContactEntry  *kith_contact_entry_new_from_json (JsonObject    *encounter,
                                                     GError       **error);
KithContactEntry  *kith_contact_load             (KithStore        *store,
                                                  const char       *encounter_id,
                                                  GError          **error);

/* Logs a contact that happened: a finished Encounter. @entry->when may not
 * be in the future; a plan action it names must exist in that plan, which
 * must be the person's. Notes the first contact on the person's referral.
 * Returns the new Encounter's id. */
char              *kith_contact_log              (KithStore              *store,
                                                  const KithContactEntry *entry,
                                                  GError                **error);
/* Puts a visit on the diary: a planned Encounter. Returns its id. */
char              *kith_contact_plan_visit       (KithStore              *store,
                                                  const KithContactEntry *entry,
                                                  GError                **error);
/* The planned visit @encounter_id was made: the same Encounter becomes
 * finished, with @entry's time, people, notes and plan action. */
gboolean           kith_contact_log_planned      (KithStore              *store,
                                                  const char             *encounter_id,
                                                  const KithContactEntry *entry,
                                                  GError                **error);
/* A planned visit that will not happen (status cancelled). */
gboolean           kith_contact_cancel_visit     (KithStore              *store,
                                                  const char             *encounter_id,
                                                  GError                **error);

/* The person's contacts, logged and planned, newest first
 * (KithContactEntry, transfer full). */
GPtrArray         *kith_store_list_contacts      (KithStore        *store,
                                                  const char       *patient_id,
                                                  GError          **error);
/* The home visits @professional has planned on @day (NULL: today), earliest
 * first: the first participant is the professional, matched with or
 * without a role in brackets, in any case (KithContactEntry, transfer full). */
GPtrArray         *kith_store_list_visits        (KithStore        *store,
                                                  const char       *professional,
                                                  const GDate      *day,
                                                  GError          **error);

/* Hospital stays. Dates are YYYY-MM-DD and not in the future. */
char              *kith_contact_record_admission (KithStore        *store,
                                                  const char       *patient_id,
                                                  const char       *admitted,
                                                  const char       *hospital,
                                                  const char       *reason,
                                                  GError          **error);
/* Ends the person's open stay (or records a discharge alone when the
 * admission was not recorded). The person's current plan gets the
 * discharge crunch point and a review due on @discharged, saved as
 * @editor; and they are on the follow-up list until a contact is logged. */
gboolean           kith_contact_record_discharge (KithStore        *store,
                                                  const char       *patient_id,
                                                  const char       *discharged,
                                                  const char       *note,
                                                  const char       *editor,
                                                  GError          **error);
/* Newest first (KithHospitalStay, transfer full). */
GPtrArray         *kith_store_list_hospital_stays (KithStore       *store,
                                                   const char      *patient_id,
                                                   GError         **error);
/* The stay the person is in hospital for now, or NULL (no error). */
KithHospitalStay  *kith_contact_get_open_stay    (KithStore        *store,
                                                  const char       *patient_id,
                                                  GError          **error);

/* The virtual ward. Admitting beyond the capacity is refused with
 * KITH_CONTACT_ERROR_WARD_FULL unless @force. @admitted NULL: today. */
char              *kith_virtual_ward_admit       (KithStore        *store,
                                                  const char       *patient_id,
                                                  const char       *admitted,
                                                  const char       *clinician,
                                                  gboolean          force,
                                                  GError          **error);
gboolean           kith_virtual_ward_discharge   (KithStore        *store,
                                                  const char       *patient_id,
                                                  const char       *discharged,
                                                  GError          **error);
/* The person's place on the ward now, or NULL (no error). */
KithWardStay      *kith_virtual_ward_get_stay    (KithStore        *store,
                                                  const char       *patient_id,
                                                  GError          **error);
/* Who is on the ward now, longest first (KithWardStay, transfer full). */
GPtrArray         *kith_store_list_virtual_ward  (KithStore        *store,
                                                  GError          **error);
/* Whole days on the ward at @today (NULL: today); 0 on the day admitted. */
int                kith_ward_stay_get_days       (const KithWardStay *stay,
                                                  const GDate        *today);
/* Places on the ward: the store setting "virtual-ward-capacity" when set,
 * else 0.5% of the people in the store, rounded up. */
guint              kith_store_get_virtual_ward_capacity (KithStore *store);
/* @capacity < 0 goes back to 0.5% of the people. */
gboolean           kith_store_set_virtual_ward_capacity (KithStore *store,
                                                         int        capacity,
                                                         GError   **error);

G_END_DECLS
