/* kith-care-plan.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-types.h"

G_BEGIN_DECLS

#define KITH_CARE_PLAN_ERROR (kith_care_plan_error_quark ())

typedef enum
{
  KITH_CARE_PLAN_ERROR_NOT_FOUND,
  KITH_CARE_PLAN_ERROR_CANNOT_AGREE,   /* no co-ordinator, no goal, or no crisis section */
  KITH_CARE_PLAN_ERROR_ENDED,          /* an ended plan is not edited */
  KITH_CARE_PLAN_ERROR_INVALID,        /* a missing or malformed field, named in the message */
  KITH_CARE_PLAN_ERROR_CONFLICT,       /* the same field changed in two places: see conflicts */
} KithCarePlanError;

typedef enum
{
  KITH_PLAN_DRAFT,
  KITH_PLAN_AGREED,
  KITH_PLAN_UNDER_REVIEW,   /* an agreed plan being changed or reviewed: agree it again */
  KITH_PLAN_ENDED,
} KithPlanState;

typedef enum
{
  KITH_OWNER_PROFESSIONAL,
  KITH_OWNER_PERSON,
  KITH_OWNER_CARER,
} KithOwnerKind;

typedef enum
{
  KITH_ACTION_NOT_STARTED,
  KITH_ACTION_IN_PROGRESS,
  KITH_ACTION_DONE,
  KITH_ACTION_CANCELLED,
} KithActionStatus;

typedef enum
{
  KITH_CRUNCH_DISCHARGE,
  KITH_CRUNCH_NEW_SETTING,
  KITH_CRUNCH_CHANGE_IN_CONDITION,
} KithCrunchPoint;

typedef struct
{
  char     *id;
  char     *text;          /* in the person's own words */
  char     *expressed_by;  /* "the person", "their daughter", a name */
  char     *measure;       /* how progress is measured */
  char     *need_id;       /* the Condition it addresses, or NULL */
  gboolean  achieved;
} KithGoal;

typedef struct
{
  char             *id;
  char             *text;
  KithOwnerKind     owner_kind;
  char             *owner;       /* the owner's name (or "the person") */
  char             *due;         /* ISO date or NULL */
  KithActionStatus  status;
  char             *goal_id;     /* the goal it serves, or NULL */
} KithAction;

typedef struct
{
  char *id;
  char *name;
  char *role;          /* "coordinator", "gp", "nurse", "social-worker", "carer", "other" */
  char *role_title;    /* shown: "Named care co-ordinator" */
  char *phone;
  char *hours;         /* "Mon–Fri 9–5" */
} KithTeamMember;

typedef struct
{
  char *id;
  char *name;
  char *kind;          /* "signposting", "social-prescribing", "voluntary", "service" */
  char *contact;
} KithSupport;

typedef struct
{
  char *name;
  char *phone;
  char *when;          /* "any hour", "evenings" */
} KithContact;

/* A shared decision about one need (Kith extension on the CarePlan). */
typedef struct
{
  char      *need_id;
  char      *need_title;
  GStrv      options;        /* option ids considered */
  char      *what_matters;   /* in the person's words */
  char      *preferred;      /* option id */
  char      *certainty;      /* "sure", "fairly-sure", "unsure" */
  GStrv      participants;   /* "Peggy Smith (the person)", "Daniel Smith (carer)"… */
  char      *agreed;         /* option id, NULL while undecided */
  char      *decided;        /* instant */
  int        collaborate[3]; /* 0–4 each, -1 not asked */
} KithDecision;

/* One way the plan changed between two versions, in plain words. */
typedef struct
{
  char *section;   /* "Goals", "Actions", "Crisis plan"… */
  char *summary;   /* "Added: Walk to the shop by summer" */
} KithPlanChange;

void kith_goal_free          (KithGoal       *goal);
void kith_action_free        (KithAction     *action);
void kith_team_member_free   (KithTeamMember *member);
void kith_support_free       (KithSupport    *support);
void kith_contact_free       (KithContact    *contact);
void kith_decision_free      (KithDecision   *decision);
void kith_plan_change_free   (KithPlanChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithGoal, kith_goal_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithAction, kith_action_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithTeamMember, kith_team_member_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithDecision, kith_decision_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithPlanChange, kith_plan_change_free)

#define KITH_TYPE_CARE_PLAN (kith_care_plan_get_type ())
G_DECLARE_FINAL_TYPE (KithCarePlan, kith_care_plan, KITH, CARE_PLAN, GObject)

GQuark         kith_care_plan_error_quark     (void);

/* The person's current plan (not ended), or NULL with no error. */
KithCarePlan  *kith_care_plan_load_current    (KithStore     *store,
                                               const char    *patient_id,
                                               GError       **error);
KithCarePlan  *kith_care_plan_load            (KithStore     *store,
                                               const char    *plan_id,
                                               GError       **error);
/* A new draft, with About me and What matters to me taken from the
 * person's last assessment (tell it once), and the needs accepted there. */
KithCarePlan  *kith_care_plan_new_for_patient (KithStore     *store,
                                               const char    *patient_id,
                                               GError       **error);
/* A plan made from one version of the FHIR CarePlan (for history views,
 * printing an old version, and tests). Not attached to a store. */
KithCarePlan  *kith_care_plan_new_from_json   (JsonObject    *care_plan,
                                               GError       **error);

const char    *kith_care_plan_get_id          (KithCarePlan  *self);
const char    *kith_care_plan_get_patient_id  (KithCarePlan  *self);
const char    *kith_care_plan_get_version     (KithCarePlan  *self);
const char    *kith_care_plan_get_last_updated (KithCarePlan *self);
const char    *kith_care_plan_get_last_edited_by (KithCarePlan *self);
KithPlanState  kith_care_plan_get_state       (KithCarePlan  *self);
const char    *kith_care_plan_state_to_string (KithPlanState  state);   /* translated, for people */
/* The whole FHIR CarePlan as it stands (borrowed). */
JsonObject    *kith_care_plan_get_json        (KithCarePlan  *self);

/* Sections. Strings are NULL when empty. */
const char    *kith_care_plan_get_about_me        (KithCarePlan *self);
void           kith_care_plan_set_about_me        (KithCarePlan *self, const char *text);
const char    *kith_care_plan_get_what_matters    (KithCarePlan *self);
void           kith_care_plan_set_what_matters    (KithCarePlan *self, const char *text);
const char    *kith_care_plan_get_medicines_note  (KithCarePlan *self);
void           kith_care_plan_set_medicines_note  (KithCarePlan *self, const char *text);
const char    *kith_care_plan_get_consent_to_share (KithCarePlan *self);
void           kith_care_plan_set_consent_to_share (KithCarePlan *self, const char *text);
const char    *kith_care_plan_get_review_date     (KithCarePlan *self);
gboolean       kith_care_plan_set_review_date     (KithCarePlan *self, const char *iso_date, GError **error);
/* Review due on or before @today (NULL: the local date). */
gboolean       kith_care_plan_is_review_due       (KithCarePlan *self, GDate *today);
/* A crunch point makes the review due now, and is noted in the plan. */
void           kith_care_plan_record_crunch_point (KithCarePlan *self, KithCrunchPoint point, const char *note);
/* Crisis and contingency plan */
const char    *kith_care_plan_get_warning_signs   (KithCarePlan *self);
void           kith_care_plan_set_warning_signs   (KithCarePlan *self, const char *text);
const char    *kith_care_plan_get_crisis_actions  (KithCarePlan *self);   /* what to do */
void           kith_care_plan_set_crisis_actions  (KithCarePlan *self, const char *text);
GPtrArray     *kith_care_plan_list_crisis_contacts (KithCarePlan *self);  /* KithContact, transfer full */
void           kith_care_plan_set_crisis_contacts (KithCarePlan *self, GPtrArray *contacts);
/* Printing preferences the person chose */
gboolean       kith_care_plan_get_crisis_first    (KithCarePlan *self);
void           kith_care_plan_set_crisis_first    (KithCarePlan *self, gboolean crisis_first);

/* Goals, actions, the care team and support: lists of copies (transfer
 * full); add returns the new id; update replaces by id. */
GPtrArray     *kith_care_plan_list_goals      (KithCarePlan *self);
char          *kith_care_plan_add_goal        (KithCarePlan *self, const KithGoal *goal, GError **error);
gboolean       kith_care_plan_update_goal     (KithCarePlan *self, const KithGoal *goal, GError **error);
gboolean       kith_care_plan_remove_goal     (KithCarePlan *self, const char *goal_id);
GPtrArray     *kith_care_plan_list_actions    (KithCarePlan *self);
char          *kith_care_plan_add_action      (KithCarePlan *self, const KithAction *action, GError **error);
gboolean       kith_care_plan_update_action   (KithCarePlan *self, const KithAction *action, GError **error);
gboolean       kith_care_plan_remove_action   (KithCarePlan *self, const char *action_id);
/* Actions not done or cancelled whose due date is before @today. */
GPtrArray     *kith_care_plan_list_overdue_actions (KithCarePlan *self, GDate *today);
GPtrArray     *kith_care_plan_list_team       (KithCarePlan *self);
char          *kith_care_plan_add_team_member (KithCarePlan *self, const KithTeamMember *member, GError **error);
gboolean       kith_care_plan_remove_team_member (KithCarePlan *self, const char *member_id);
/* The named co-ordinator, "one person to call" (borrowed from an internal
 * copy: valid until the next change), or NULL. */
const KithTeamMember *kith_care_plan_get_coordinator (KithCarePlan *self);
GPtrArray     *kith_care_plan_list_support    (KithCarePlan *self);
char          *kith_care_plan_add_support     (KithCarePlan *self, const KithSupport *support, GError **error);
gboolean       kith_care_plan_remove_support  (KithCarePlan *self, const char *support_id);

/* Shared decisions, one per need. */
GPtrArray     *kith_care_plan_list_decisions  (KithCarePlan *self);
gboolean       kith_care_plan_set_decision    (KithCarePlan *self, const KithDecision *decision, GError **error);
/* collaboRATE top score: all three items at 4. */
gboolean       kith_decision_is_collaborate_top (const KithDecision *decision);

/* Why the plan cannot be agreed yet (NULL when it can), in plain words. */
char          *kith_care_plan_check_agreement (KithCarePlan *self);
/* Records agreement: who agreed (the person, or their representative by
 * name and relationship) and how (in person, by phone…). */
gboolean       kith_care_plan_agree           (KithCarePlan  *self,
                                               const char    *agreed_by,
                                               gboolean       by_representative,
                                               const char    *how,
                                               GError       **error);
gboolean       kith_care_plan_end             (KithCarePlan  *self,
                                               const char    *reason,
                                               GError       **error);

/* Saves the changes as a new version, recording @editor and what changed.
 * Editing an agreed plan makes it "under review": it must be agreed again.
 * If another window saved meanwhile, the two are merged when they touch
 * different fields or list members; otherwise KITH_CARE_PLAN_ERROR_CONFLICT
 * and nothing is saved. */
gboolean       kith_care_plan_save            (KithCarePlan  *self,
                                               KithStore     *store,
                                               const char    *editor,
                                               GError       **error);
gboolean       kith_care_plan_has_changes     (KithCarePlan  *self);

/* Every version, oldest first (KithCarePlan, transfer full). */
GPtrArray     *kith_care_plan_list_versions   (KithStore     *store,
                                               const char    *plan_id,
                                               GError       **error);
/* What changed from @older to @newer (KithPlanChange, transfer full). */
GPtrArray     *kith_care_plan_diff            (KithCarePlan  *older,
                                               KithCarePlan  *newer);

G_END_DECLS
