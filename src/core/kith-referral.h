/* kith-referral.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kith-types.h"

G_BEGIN_DECLS

/* The single point of referral: every referral, from whoever sends it, is
 * a FHIR ServiceRequest (the referral as received) with its own triage
 * Task (code "referral-triage"), as src/core/COORDINATION.md sets out.
 * The triage moves through its states with a timestamp for each change
 * (Task.lastModified), the first triage decision (the "triaged"
 * extension) and the first contact with the person (the "first-contact"
 * extension), so that the times from received to triaged and to first
 * contact can be reported. */

#define KITH_REFERRAL_CATEGORY_SYSTEM KITH_FHIR_BASE "/CodeSystem/referral"
#define KITH_REFERRAL_TASK_SYSTEM     KITH_FHIR_BASE "/CodeSystem/task-type"
#define KITH_REFERRAL_TASK_CODE       "referral-triage"
#define KITH_REFERRAL_SOURCE_URL      KITH_FHIR_SD "referral-source"
#define KITH_REFERRAL_TRIAGED_URL     KITH_FHIR_SD "triaged"
#define KITH_REFERRAL_CONTACT_URL     KITH_FHIR_SD "first-contact"

#define KITH_REFERRAL_ERROR (kith_referral_error_quark ())

typedef enum
{
  KITH_REFERRAL_ERROR_INVALID,     /* something missing or wrong in what was given */
  KITH_REFERRAL_ERROR_STATE,       /* not possible in the referral's state */
  KITH_REFERRAL_ERROR_NOT_FOUND,   /* no such referral or person */
  KITH_REFERRAL_ERROR_DUPLICATE,   /* a "new" person who is already in the store */
} KithReferralError;

typedef enum
{
  KITH_REFERRAL_SOURCE_GP,
  KITH_REFERRAL_SOURCE_HOSPITAL,
  KITH_REFERRAL_SOURCE_SOCIAL_CARE,
  KITH_REFERRAL_SOURCE_VOLUNTARY,
  KITH_REFERRAL_SOURCE_FAMILY,
  KITH_REFERRAL_SOURCE_SELF,
  KITH_REFERRAL_SOURCE_OTHER,   /* police, housing, pharmacy, …: the referrer says who */
} KithReferralSource;

#define KITH_REFERRAL_N_SOURCES 7

/* FHIR request priorities, least pressing first */
typedef enum
{
  KITH_REFERRAL_ROUTINE,
  KITH_REFERRAL_URGENT,
  KITH_REFERRAL_ASAP,
} KithReferralUrgency;

#define KITH_REFERRAL_N_URGENCIES 3

/* The triage's state, as flags so that a list can ask for several. */
typedef enum
{
  KITH_REFERRAL_WAITING        = 1 << 0,  /* Task "requested": waiting for triage */
  KITH_REFERRAL_INFO_REQUESTED = 1 << 1,  /* "on-hold": information asked for */
  KITH_REFERRAL_ACCEPTED       = 1 << 2,  /* "accepted": a co-ordinator assigned */
  KITH_REFERRAL_DECLINED       = 1 << 3,  /* "rejected", with the reason */
  KITH_REFERRAL_COMPLETED      = 1 << 4,  /* "completed": contacted after acceptance */
} KithReferralState;

#define KITH_REFERRAL_STATE_ALL (KITH_REFERRAL_WAITING | KITH_REFERRAL_INFO_REQUESTED | \
                                 KITH_REFERRAL_ACCEPTED | KITH_REFERRAL_DECLINED |      \
                                 KITH_REFERRAL_COMPLETED)

/* One referral, as the inbox shows it. Instants are in the store's form
 * (kith_fhir_format_instant(): UTC, sorting as text). */
typedef struct
{
  char                *id;            /* the ServiceRequest */
  char                *task_id;       /* its triage Task */
  char                *patient_id;
  char                *person_name;   /* as the caseload lists it: "SMITH, Margaret" */
  KithReferralSource   source;
  char                *referrer;      /* who referred, or NULL */
  char                *reason;
  KithReferralUrgency  urgency;
  char                *received;
  KithReferralState    state;
  char                *coordinator;   /* once accepted */
  char                *state_reason;  /* the information asked for, or why declined */
  char                *triaged;       /* the first accept or decline, or NULL */
  char                *first_contact; /* or NULL */
  char                *last_modified; /* the last change of state */
} KithReferral;

#define KITH_TYPE_REFERRAL (kith_referral_get_type ())

GType         kith_referral_get_type    (void) G_GNUC_CONST;
KithReferral *kith_referral_copy        (const KithReferral *referral);
void          kith_referral_free        (KithReferral       *referral);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithReferral, kith_referral_free)

/* What arrives: either @patient_id, a person already in the store, or a
 * new person's @family and/or @given name, with @birth_date
 * ("YYYY-MM-DD") and @nhs_number (any spacing) when known. */
typedef struct
{
  const char          *patient_id;
  const char          *family;
  const char          *given;
  const char          *birth_date;
  const char          *nhs_number;
  KithReferralSource   source;
  const char          *referrer;
  const char          *reason;        /* required */
  KithReferralUrgency  urgency;
  GDateTime           *received;      /* NULL: now */
} KithReferralIntake;

GQuark        kith_referral_error_quark    (void);

/* The FHIR code ("gp", "social-care", …; "routine", "urgent", "asap";
 * "requested", "on-hold", …) and back. _from_code() returns FALSE for a
 * code Kith does not know. */
const char   *kith_referral_source_to_code (KithReferralSource   source);
gboolean      kith_referral_source_from_code (const char         *code,
                                            KithReferralSource  *source);
const char   *kith_referral_urgency_to_code (KithReferralUrgency urgency);
gboolean      kith_referral_urgency_from_code (const char        *code,
                                             KithReferralUrgency *urgency);
const char   *kith_referral_state_to_code  (KithReferralState    state);
/* Translated words for a person: "GP practice", "Urgent", "Waiting for triage" */
const char   *kith_referral_source_to_label (KithReferralSource  source);
const char   *kith_referral_urgency_to_label (KithReferralUrgency urgency);
const char   *kith_referral_state_to_label (KithReferralState    state);

/* Records a referral: the ServiceRequest, its triage Task waiting, and
 * the Patient for a new person, all in one transaction. Nothing is saved
 * when anything is wrong (a missing reason, an NHS number that fails its
 * check, a received time in the future, a "new" person whose NHS number
 * is already in the store). Returns the referral (transfer full). */
KithReferral *kith_referral_receive        (KithStore                *store,
                                            const KithReferralIntake *intake,
                                            GError                  **error);

/* The referral with ServiceRequest @id, as it is now (transfer full). */
KithReferral *kith_referral_load           (KithStore                *store,
                                            const char               *id,
                                            GError                  **error);

/* The inbox: referrals in any of the @states (KITH_REFERRAL_STATE_ALL for
 * all). Waiting first (then information requested, accepted, completed,
 * declined), then the most urgent, then the oldest received first.
 * (KithReferral, transfer full) */
GPtrArray    *kith_store_list_referrals    (KithStore                *store,
                                            KithReferralState         states,
                                            GError                  **error);

/* The triage. Each reads the referral afresh (another window may have
 * moved it on), refuses a change its state does not allow with
 * KITH_REFERRAL_ERROR_STATE, records the change at @when (NULL: now; not
 * before the referral's last change, nor in the future) and updates
 * @referral to match. */

/* Waiting or information requested → accepted, with @coordinator, who also
 * becomes the named co-ordinator of the person's active CareTeam. */
gboolean      kith_referral_accept         (KithStore                *store,
                                            KithReferral             *referral,
                                            const char               *coordinator,
                                            GDateTime                *when,
                                            GError                  **error);
/* Waiting or information requested → information requested: @what. */
gboolean      kith_referral_request_info   (KithStore                *store,
                                            KithReferral             *referral,
                                            const char               *what,
                                            GDateTime                *when,
                                            GError                  **error);
/* Information requested → waiting for triage again. */
gboolean      kith_referral_info_received  (KithStore                *store,
                                            KithReferral             *referral,
                                            GDateTime                *when,
                                            GError                  **error);
/* Waiting or information requested → declined, with @reason (required);
 * the ServiceRequest is revoked. */
gboolean      kith_referral_decline        (KithStore                *store,
                                            KithReferral             *referral,
                                            const char               *reason,
                                            GDateTime                *when,
                                            GError                  **error);

/* A contact with the person was logged, at @when (NULL: now). Each of
 * their referrals received at or before @when with no first contact yet
 * gets @when as its first contact; each accepted one triaged at or before
 * @when is completed. The contact log calls this. */
gboolean      kith_referral_note_first_contact (KithStore            *store,
                                            const char               *patient_id,
                                            GDateTime                *when,
                                            GError                  **error);

/* How quickly referrals received from @from up to (not including) @to
 * (either NULL: open-ended) were triaged and the person contacted. Hours
 * are NAN when nothing was counted. Percentiles interpolate between the
 * nearest ranks, so the median of an even count is the mean of the middle
 * two. */
typedef struct
{
  guint  received;
  guint  waiting;          /* still waiting or with information requested */
  guint  accepted;         /* accepted or completed */
  guint  declined;
  guint  triaged;
  guint  contacted;
  double median_hours_to_triage;
  double p90_hours_to_triage;
  double median_hours_to_contact;
  double p90_hours_to_contact;
} KithReferralTimes;

gboolean      kith_referral_times          (KithStore                *store,
                                            GDateTime                *from,
                                            GDateTime                *to,
                                            KithReferralTimes        *times,
                                            GError                  **error);

G_END_DECLS
