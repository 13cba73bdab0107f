/* kith-patient.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-types.h"

G_BEGIN_DECLS

#define KITH_PATIENT_ERROR (kith_patient_error_quark ())

typedef enum
{
  KITH_PATIENT_ERROR_INVALID_NHS_NUMBER,
  KITH_PATIENT_ERROR_INVALID_BIRTH_DATE,
  KITH_PATIENT_ERROR_MISSING_NAME,
  KITH_PATIENT_ERROR_INVALID_RESOURCE,
} KithPatientError;

#define KITH_TYPE_PATIENT (kith_patient_get_type ())

G_DECLARE_FINAL_TYPE (KithPatient, kith_patient, KITH, PATIENT, GObject)

GQuark       kith_patient_error_quark       (void);

/* A typed view over a FHIR R4 Patient. Members Kith does not know about are
 * kept untouched, so a record round-trips through Kith without loss. */
KithPatient *kith_patient_new               (void);
KithPatient *kith_patient_new_from_json     (JsonObject   *resource,
                                             GError      **error);
JsonObject  *kith_patient_to_json           (KithPatient  *self);

const char  *kith_patient_get_id            (KithPatient  *self);
const char  *kith_patient_get_version_id    (KithPatient  *self);
const char  *kith_patient_get_family        (KithPatient  *self);
void         kith_patient_set_family        (KithPatient  *self,
                                             const char   *family);
const char  *kith_patient_get_given         (KithPatient  *self);
void         kith_patient_set_given         (KithPatient  *self,
                                             const char   *given);
const char  *kith_patient_get_preferred_name(KithPatient  *self);
void         kith_patient_set_preferred_name(KithPatient  *self,
                                             const char   *preferred_name);
/* ISO 8601 date, "YYYY-MM-DD" */
const char  *kith_patient_get_birth_date    (KithPatient  *self);
gboolean     kith_patient_set_birth_date    (KithPatient  *self,
                                             const char   *birth_date,
                                             GError      **error);
/* Ten digits with no spaces, or NULL */
const char  *kith_patient_get_nhs_number    (KithPatient  *self);
gboolean     kith_patient_set_nhs_number    (KithPatient  *self,
                                             const char   *input,
                                             GError      **error);
/* Lines joined with "\n": street lines, town, postcode */
const char  *kith_patient_get_address       (KithPatient  *self);
void         kith_patient_set_address       (KithPatient  *self,
                                             const char   *address);
const char  *kith_patient_get_phone         (KithPatient  *self);
void         kith_patient_set_phone         (KithPatient  *self,
                                             const char   *phone);
const char  *kith_patient_get_gp_practice   (KithPatient  *self);
void         kith_patient_set_gp_practice   (KithPatient  *self,
                                             const char   *practice_name);

/* "SMITH, Margaret (Peggy)": the form clinical systems use in lists */
char        *kith_patient_dup_list_name     (KithPatient  *self);
/* "Peggy Smith": how to address the person */
char        *kith_patient_dup_spoken_name   (KithPatient  *self);
/* Completed years at @today (local date), or -1 when unknown */
int          kith_patient_get_age           (KithPatient  *self,
                                             GDate        *today);
/* Checks the required fields before a save. */
gboolean     kith_patient_validate          (KithPatient  *self,
                                             GError      **error);

int          kith_age_from_birth_date       (const char   *birth_date,
                                             GDate        *today);

G_END_DECLS
