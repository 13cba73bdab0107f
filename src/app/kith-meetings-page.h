/* kith-meetings-page.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_MEETINGS_PAGE (kith_meetings_page_get_type ())

G_DECLARE_FINAL_TYPE (KithMeetingsPage, kith_meetings_page, KITH, MEETINGS_PAGE, AdwBin)

/* The team’s MDT meetings: the list of meetings and "New Meeting" on the
 * left; on the right the chosen meeting: attendance, the agenda (built
 * from the store, reordered with Move Up/Down or Alt+Up/Alt+Down), and for
 * the person chosen on it the discussion note and the actions agreed.
 * Properties: "store" (KithStore), "my-name" (the professional: chair of
 * the meetings they start, and the default owner of actions), "my-team"
 * (the team a new meeting is for). Signal "open-person" (patient id).
 * Actions "meeting.move-up" and "meeting.move-down" (Alt+Up, Alt+Down)
 * move the agenda row with the focus. */
GtkWidget   *kith_meetings_page_new            (void);
/* Reads the meetings again; the meeting on screen stays chosen. */
void         kith_meetings_page_reload         (KithMeetingsPage *self);
/* The meeting on screen, or NULL */
KithMeeting *kith_meetings_page_get_meeting    (KithMeetingsPage *self);
/* Shows the meeting with this id (after a reload, if need be). */
gboolean     kith_meetings_page_show_meeting   (KithMeetingsPage *self,
                                                const char       *meeting_id);
/* Writes the meeting on screen as a PDF (what "Export PDF…" does once a
 * file is chosen). */
gboolean     kith_meetings_page_export_pdf     (KithMeetingsPage *self,
                                                const char       *path,
                                                GError          **error);

/* For the GUI tests: the widgets a person uses. */
GtkCalendar *kith_meetings_page_get_new_calendar      (KithMeetingsPage *self);
GtkEditable *kith_meetings_page_get_new_team_entry    (KithMeetingsPage *self);
GtkWidget   *kith_meetings_page_get_create_button     (KithMeetingsPage *self);
GtkListBox  *kith_meetings_page_get_meetings_list     (KithMeetingsPage *self);
GtkListBox  *kith_meetings_page_get_attendance_list   (KithMeetingsPage *self);
GtkEditable *kith_meetings_page_get_attendee_entry    (KithMeetingsPage *self);
GtkWidget   *kith_meetings_page_get_build_button      (KithMeetingsPage *self);
GtkListBox  *kith_meetings_page_get_agenda_list       (KithMeetingsPage *self);
GtkLabel    *kith_meetings_page_get_left_off_label    (KithMeetingsPage *self);
GtkTextView *kith_meetings_page_get_note_view         (KithMeetingsPage *self);
GtkEditable *kith_meetings_page_get_action_text_entry (KithMeetingsPage *self);
GtkEditable *kith_meetings_page_get_action_owner_entry(KithMeetingsPage *self);
GtkCalendar *kith_meetings_page_get_due_calendar      (KithMeetingsPage *self);
GtkWidget   *kith_meetings_page_get_add_action_button (KithMeetingsPage *self);
GtkListBox  *kith_meetings_page_get_actions_list      (KithMeetingsPage *self);
GtkWidget   *kith_meetings_page_get_finish_button     (KithMeetingsPage *self);
GtkWidget   *kith_meetings_page_get_export_button     (KithMeetingsPage *self);

G_END_DECLS
