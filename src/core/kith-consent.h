/* kith-consent.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "kith-types.h"

G_BEGIN_DECLS

#define KITH_CONSENT_ERROR (kith_consent_error_quark ())

typedef enum
{
  KITH_CONSENT_ERROR_INVALID,   /* a Consent Kith cannot read safely */
} KithConsentError;

/* The CodeSystem of record sections (GOVERNANCE.md). */
#define KITH_RECORD_SECTION_SYSTEM    KITH_FHIR_BASE "/CodeSystem/record-section"
/* Consent.category that marks the person's record-sharing Consent. */
#define KITH_CONSENT_CATEGORY_SYSTEM  KITH_FHIR_BASE "/CodeSystem/consent-category"
#define KITH_CONSENT_RECORD_SHARING   "record-sharing"
/* Identifier systems of Consent actors: a team, and a user role. */
#define KITH_TEAM_SYSTEM              "https://kith.example/fhir/sid/team"
#define KITH_USER_ROLE_SYSTEM         "https://kith.example/fhir/sid/user-role"
/* The person's own words about their choices (valueString). */
#define KITH_CONSENT_OWN_WORDS_URL    KITH_FHIR_SD "consent-own-words"
/* On a CarePlan activity or goal (or the contained Task or Goal):
 * valueBoolean true shares it with the person's volunteers. */
#define KITH_SHARED_WITH_VOLUNTEERS_URL KITH_FHIR_SD "shared-with-volunteers"
/* On any resource: the section it belongs to (valueCode), whatever
 * kith_consent_classify() would say. */
#define KITH_RECORD_SECTION_URL       KITH_FHIR_SD "record-section"
/* On a redacted stub: why it is withheld (valueCode, below). */
#define KITH_WITHHELD_URL             KITH_FHIR_SD "withheld"
/* meta.security of a copy that is not the whole resource. */
#define KITH_REDACTED_SYSTEM          "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
#define KITH_REDACTED_CODE            "REDACTED"

/* What part of a person's record a resource belongs to. */
typedef enum
{
  KITH_RECORD_SECTION_DEMOGRAPHICS,
  KITH_RECORD_SECTION_GENERAL,
  KITH_RECORD_SECTION_MENTAL_HEALTH,
  KITH_RECORD_SECTION_SAFEGUARDING,
  KITH_RECORD_SECTION_CARER_ASSESSMENT,
  KITH_N_RECORD_SECTIONS
} KithRecordSection;

/* A set of sections, as bits (1 << section); 0 means every section. */
#define KITH_RECORD_SECTION_BIT(section) (1u << (section))

/* May this user see that section of this person's record, and if not, why. */
typedef enum
{
  KITH_ACCESS_PERMIT,
  /* Not in the person's care team, and no Consent rule lets them in. */
  KITH_ACCESS_DENY_NOT_CARE_TEAM,
  /* In the care team, but the section is restricted by default (a
   * sensitive section, or a volunteer or admin). */
  KITH_ACCESS_DENY_RESTRICTED,
  /* The person's Consent withholds it from someone who would otherwise
   * see it. */
  KITH_ACCESS_DENY_WITHHELD_BY_PERSON,
} KithAccessDecision;

/* One rule of the person's Consent: permit or deny the sections to an
 * actor. An actor is a team, a role, both (that role in that team), or
 * neither (everyone). */
typedef struct
{
  gboolean  permit;
  char     *team;      /* NULL for any team */
  char     *role;      /* NULL for any role (kith_server_roles() names) */
  guint     sections;  /* KITH_RECORD_SECTION_BIT()s; 0 for every section */
} KithConsentRule;

/* The person's choices about who sees what: one active Consent per person. */
typedef struct
{
  char      *id;
  char      *patient_id;
  char      *date_time;    /* when it was recorded (FHIR dateTime) */
  char      *recorded_by;  /* the professional who recorded it, as a display name */
  char      *own_words;    /* the person's words, as they said them */
  gboolean   share_by_default;  /* base provision: permit (Kith's default policy) or deny */
  GPtrArray *rules;        /* KithConsentRule, in order */
} KithConsent;

GQuark              kith_consent_error_quark          (void);

KithConsent        *kith_consent_new                  (const char          *patient_id);
void                kith_consent_free                 (KithConsent         *consent);
void                kith_consent_add_rule             (KithConsent         *consent,
                                                       gboolean             permit,
                                                       const char          *team,
                                                       const char          *role,
                                                       guint                sections);

/* TRUE for the person's record-sharing Consent (not, say, a carer's
 * consent to their own assessment), whatever its status. */
gboolean            kith_consent_is_record_sharing    (JsonObject          *resource);
/* The FHIR R4 Consent (transfer full); an id is made when @consent has none. */
JsonObject         *kith_consent_to_fhir              (const KithConsent   *consent);
/* NULL with an error when @resource is not a record-sharing Consent Kith
 * can read. */
KithConsent        *kith_consent_from_fhir            (JsonObject          *resource,
                                                       GError             **error);

const char         *kith_record_section_to_code       (KithRecordSection    section);
/* KITH_N_RECORD_SECTIONS when @code is not a section. */
KithRecordSection   kith_record_section_from_code     (const char          *code);
/* A few words for people: "mental health". */
const char         *kith_record_section_describe      (KithRecordSection    section);

/* The section a resource (or one version of it) belongs to. */
KithRecordSection   kith_consent_classify             (JsonObject          *resource);

/* TRUE when @user_display_name is @coordinator, the person's named
 * co-ordinator as the care team writes it ("Tunde Afolabi (Care
 * co-ordinator)"): case and the bracketed role aside. */
gboolean            kith_consent_is_named_coordinator (const char          *user_display_name,
                                                       const char          *coordinator);
/* The rules of GOVERNANCE.md. @consent may be NULL (no Consent recorded);
 * @person_team and @coordinator come from the person's care team and may
 * be NULL (a new referral). */
KithAccessDecision  kith_consent_decide               (const KithConsent   *consent,
                                                       const char          *user_role,
                                                       const char          *user_team,
                                                       const char          *user_display_name,
                                                       const char          *person_team,
                                                       const char          *coordinator,
                                                       KithRecordSection    section);
/* Why access was refused, in words for the professional. */
const char         *kith_access_decision_describe     (KithAccessDecision   decision);
/* The code the stub extension carries: "withheld-at-request" or
 * "restricted"; NULL for the others. */
const char         *kith_access_decision_to_code      (KithAccessDecision   decision);

/* In place of a resource the user may not see: the same resourceType, id
 * and version, meta.security REDACTED, the person reference, and the
 * KITH_WITHHELD_URL extension saying why (transfer full). */
JsonObject         *kith_consent_make_stub            (JsonObject          *resource,
                                                       KithAccessDecision   why);
/* TRUE for a stub or any other redacted copy (meta.security REDACTED). */
gboolean            kith_consent_is_redacted          (JsonObject          *resource);
/* A volunteer's view of a CarePlan: its status, period and person, and
 * only the activities and goals marked shared with volunteers (transfer
 * full, marked REDACTED). */
JsonObject         *kith_consent_volunteer_view       (JsonObject          *care_plan);

/* "Tunde Afolabi (co-ordinator) looked at the record", for the person's
 * own "who has looked at my record?" (transfer full). @subtype is the
 * audit subtype (read, vread, search-type, history-instance, update,
 * delete, transaction, export, print, break-glass); @refused when access
 * was refused; @reason the reason given, if any. */
char               *kith_consent_describe_access      (const char          *who,
                                                       const char          *role,
                                                       const char          *subtype,
                                                       gboolean             refused,
                                                       const char          *reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithConsent, kith_consent_free)

G_END_DECLS
