/* kith-mdt.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-frailty.h"
#include "kith-types.h"

G_BEGIN_DECLS

#define KITH_MEETING_ERROR (kith_meeting_error_quark ())

typedef enum
{
  KITH_MEETING_ERROR_INVALID,     /* a missing or malformed field, named in the message */
  KITH_MEETING_ERROR_NOT_FOUND,   /* no such meeting, agenda item or person */
  KITH_MEETING_ERROR_FINISHED,    /* a finished meeting is kept as it was */
  KITH_MEETING_ERROR_DUPLICATE,   /* already on the agenda, or already an attendee */
  KITH_MEETING_ERROR_CONFLICT,    /* saved elsewhere meanwhile: load it again */
} KithMeetingError;

typedef enum
{
  KITH_MEETING_PLANNED,
  KITH_MEETING_IN_PROGRESS,
  KITH_MEETING_FINISHED,
} KithMeetingStatus;

/* Why a person is on the agenda; the agenda is built in this order. */
typedef enum
{
  KITH_AGENDA_NEW_REFERRAL,   /* a referral waits for triage */
  KITH_AGENDA_SAFETY_ALERT,   /* a safety alert waits for an action */
  KITH_AGENDA_HIGH_RISK,      /* at or above the chosen risk tier */
  KITH_AGENDA_REVIEW_DUE,     /* plan review due by the meeting date */
  KITH_AGENDA_ADDED,          /* added by hand */
} KithAgendaReason;

#define KITH_AGENDA_N_REASONS 5
#define KITH_AGENDA_REASON(reason) (1u << (reason))

typedef struct
{
  guint            reasons;         /* mask of KITH_AGENDA_REASON() to look for */
  KithFrailtyBand  min_tier;        /* for HIGH_RISK: this tier and above */
  guint            max_per_reason;  /* at most this many people added for each reason */
} KithAgendaRules;

/* Every reason, severe frailty, 30 people a reason. */
#define KITH_AGENDA_DEFAULT_MAX 30
void kith_agenda_rules_init (KithAgendaRules *rules);

typedef struct
{
  char             *patient_id;
  char             *name;         /* as the caseload lists it: "SMITH, Peggy" */
  KithAgendaReason  reason;
  char             *note;         /* the discussion, or NULL */
  gboolean          discussed;
  GStrv             actions;      /* "CarePlan/<id>#<action id>", never NULL */
} KithAgendaItem;

typedef struct
{
  char     *name;       /* with the role, as given: "Dr Asha Patel (GP)" */
  gboolean  attended;   /* FALSE: apologies */
  gboolean  chair;
} KithAttendee;

/* One person in the patient index, for lists. */
typedef struct
{
  gint64  row_id;
  char   *id;
  char   *list_name;
} KithPersonName;

void kith_agenda_item_free  (KithAgendaItem *item);
void kith_attendee_free     (KithAttendee   *attendee);
void kith_person_name_free  (KithPersonName *person);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithAgendaItem, kith_agenda_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithAttendee, kith_attendee_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithPersonName, kith_person_name_free)

/* The people with these patient index row ids (kith_store_filter_patients()),
 * in the same order; rows no longer in the index are left out
 * (KithPersonName, transfer full). */
GPtrArray  *kith_store_read_patient_names (KithStore    *store,
                                           GArray       *row_ids,
                                           GError      **error);

/* The words for a reason ("New referral") and its code ("new-referral"). */
const char *kith_agenda_reason_to_string  (KithAgendaReason reason);
const char *kith_agenda_reason_to_code    (KithAgendaReason reason);
const char *kith_meeting_status_to_string (KithMeetingStatus status);

#define KITH_TYPE_MEETING (kith_meeting_get_type ())
G_DECLARE_FINAL_TYPE (KithMeeting, kith_meeting, KITH, MEETING, GObject)

GQuark             kith_meeting_error_quark  (void);

/* A new meeting (planned, not yet saved) of @team on @date (ISO date). */
KithMeeting       *kith_meeting_new          (const char    *date,
                                              const char    *team,
                                              GError       **error);
KithMeeting       *kith_meeting_load         (KithStore     *store,
                                              const char    *meeting_id,
                                              GError       **error);
KithMeeting       *kith_meeting_new_from_json (JsonObject   *encounter,
                                              GError       **error);
/* Every MDT meeting in the store, the latest date first (KithMeeting,
 * transfer full). */
GPtrArray         *kith_meeting_list         (KithStore     *store,
                                              GError       **error);

const char        *kith_meeting_get_id       (KithMeeting   *self);
const char        *kith_meeting_get_date     (KithMeeting   *self);   /* ISO date */
const char        *kith_meeting_get_team     (KithMeeting   *self);
KithMeetingStatus  kith_meeting_get_status   (KithMeeting   *self);
/* The whole Encounter as it stands (borrowed). */
JsonObject        *kith_meeting_get_json     (KithMeeting   *self);
/* Changed since it was loaded or last saved. */
gboolean           kith_meeting_has_changes  (KithMeeting   *self);

/* Attendance, in the order given (KithAttendee, transfer full). */
GPtrArray         *kith_meeting_list_attendees (KithMeeting *self);
gboolean           kith_meeting_add_attendee   (KithMeeting *self,
                                                const char  *name,
                                                GError     **error);
gboolean           kith_meeting_remove_attendee (KithMeeting *self,
                                                 const char  *name,
                                                 GError     **error);
gboolean           kith_meeting_set_attended   (KithMeeting *self,
                                                const char  *name,
                                                gboolean     attended,
                                                GError     **error);
/* The chair attends (added if need be); they are the editor of the plans
 * the meeting's actions change. NULL: none. */
const char        *kith_meeting_get_chair      (KithMeeting *self);
gboolean           kith_meeting_set_chair      (KithMeeting *self,
                                                const char  *name,
                                                GError     **error);

/* Adds to the agenda, in the order of KithAgendaReason, the people of the
 * meeting's team with a new referral waiting for triage (or with no team
 * yet), an open safety alert, a risk tier at or above @rules->min_tier,
 * or a review due by the meeting date; nobody twice, and nobody already
 * on it. At most @rules->max_per_reason people are added for each reason:
 * kith_meeting_get_left_off() says how many more there were. @rules NULL:
 * kith_agenda_rules_init(). */
gboolean           kith_meeting_build_agenda   (KithMeeting           *self,
                                                KithStore             *store,
                                                const KithAgendaRules *rules,
                                                GError               **error);
guint              kith_meeting_get_left_off   (KithMeeting           *self,
                                                KithAgendaReason       reason);

/* The agenda in its agreed order (KithAgendaItem, transfer full). */
guint              kith_meeting_get_n_items    (KithMeeting   *self);
KithAgendaItem    *kith_meeting_get_item       (KithMeeting   *self,
                                                guint          index);
GPtrArray         *kith_meeting_list_agenda    (KithMeeting   *self);
/* The item's index, or -1 */
int                kith_meeting_find_person    (KithMeeting   *self,
                                                const char    *patient_id);
gboolean           kith_meeting_move_item      (KithMeeting   *self,
                                                guint          from,
                                                guint          to,
                                                GError       **error);
/* Added by hand (reason "added"), at the end. */
gboolean           kith_meeting_add_person     (KithMeeting   *self,
                                                KithStore     *store,
                                                const char    *patient_id,
                                                GError       **error);
gboolean           kith_meeting_remove_item    (KithMeeting   *self,
                                                guint          index,
                                                GError       **error);
/* A note makes the item discussed. */
gboolean           kith_meeting_set_note       (KithMeeting   *self,
                                                guint          index,
                                                const char    *note,
                                                GError       **error);
gboolean           kith_meeting_set_discussed  (KithMeeting   *self,
                                                guint          index,
                                                gboolean       discussed,
                                                GError       **error);

/* An action agreed for the person of item @index: added to their current
 * plan (a new draft plan if they have none) with @owner and @due (ISO
 * date or NULL), marked as from this meeting, and recorded on the item.
 * The plan and the meeting are saved together, or neither is. Returns
 * "CarePlan/<id>#<action id>". */
char              *kith_meeting_add_action     (KithMeeting   *self,
                                                KithStore     *store,
                                                guint          index,
                                                const char    *text,
                                                const char    *owner,
                                                const char    *due,
                                                GError       **error);
/* The actions of item @index as their plans hold them now (KithAction,
 * transfer full); one no longer in its plan is left out. */
GPtrArray         *kith_meeting_list_item_actions (KithMeeting *self,
                                                   KithStore   *store,
                                                   guint        index,
                                                   GError     **error);

/* Saves the meeting as a new version of its Encounter. */
gboolean           kith_meeting_save           (KithMeeting   *self,
                                                KithStore     *store,
                                                GError       **error);
/* Marks it finished and saves it; nothing changes it afterwards. */
gboolean           kith_meeting_finish         (KithMeeting   *self,
                                                KithStore     *store,
                                                GError       **error);

G_END_DECLS
