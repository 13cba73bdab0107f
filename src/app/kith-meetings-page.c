/* kith-meetings-page.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The MDT meeting as the team runs it: who is here, the agenda built from
 * the store and put in the order the team agrees, and for each person a
 * note and the actions agreed, which go straight into their plan. The
 * core (kith-mdt.h) does all of it; this page shows it and saves after
 * each change (a note a second after typing stops), so nothing is lost
 * if the window closes mid-meeting.
 */

#define G_LOG_DOMAIN "kith-meetings-page"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "kith-format.h"
#include "kith-meetings-page.h"

#define NOTE_SAVE_DELAY_MS 1000
#define DEFAULT_DUE_DAYS   14

struct _KithMeetingsPage
{
  AdwBin                parent_instance;

  KithStore            *store;
  char                 *my_name;
  char                 *my_team;
  KithMeeting          *meeting;        /* on screen, or NULL */
  int                   item;           /* the agenda item being discussed, or -1 */
  guint                 save_note_id;
  gboolean              filling;        /* widgets being set from the meeting */
  GtkFileChooserNative *pdf_chooser;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkMenuButton        *new_button;
  GtkPopover           *new_popover;
  GtkCalendar          *new_calendar;
  GtkEntry             *new_team_entry;
  GtkWidget            *create_button;
  GtkStack             *sidebar_stack;
  GtkListBox           *meetings_list;
  GtkStack             *content_stack;
  GtkLabel             *meeting_title;
  GtkLabel             *meeting_subtitle;
  GtkListBox           *attendance_list;
  AdwEntryRow          *attendee_row;
  GtkWidget            *build_button;
  GtkLabel             *left_off_label;
  GtkListBox           *agenda_list;
  GtkWidget            *discussion_group;
  GtkLabel             *person_label;
  GtkLabel             *reason_label;
  GtkSwitch            *discussed_switch;
  GtkTextView          *note_view;
  GtkListBox           *actions_list;
  AdwEntryRow          *action_text_row;
  AdwEntryRow          *action_owner_row;
  GtkMenuButton        *due_button;
  GtkCalendar          *due_calendar;
  GtkWidget            *add_action_button;
  GtkWidget            *export_button;
  GtkWidget            *finish_button;
};

G_DEFINE_FINAL_TYPE (KithMeetingsPage, kith_meetings_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_MY_NAME,
  PROP_MY_TEAM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  OPEN_PERSON,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void fill_meeting    (KithMeetingsPage *self);
static void fill_agenda     (KithMeetingsPage *self);
static void fill_discussion (KithMeetingsPage *self);

/* --- helpers ---------------------------------------------------------------- */

static void
show_toast (KithMeetingsPage *self,
            const char       *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
is_finished (KithMeetingsPage *self)
{
  return self->meeting != NULL && kith_meeting_get_status (self->meeting) == KITH_MEETING_FINISHED;
}

static char *
dup_date_words (const char *iso_date)
{
  char *words = kith_format_iso_date (iso_date, KITH_DATE_STYLE_LONG);

  return words ? words : g_strdup ("");
}

static char *
dup_iso_of_date_time (GDateTime *date_time)
{
  return g_date_time_format (date_time, "%Y-%m-%d");
}

static GDateTime *
date_time_of_iso (const char *iso_date)
{
  int year, month, day;

  if (iso_date == NULL || sscanf (iso_date, "%4d-%2d-%2d", &year, &month, &day) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return NULL;
  return g_date_time_new_local (year, month, day, 12, 0, 0);
}

/* Saves what changed; a failure is said, and the changes stay on screen. */
static gboolean
save_meeting (KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->save_note_id, g_source_remove);
  if (self->meeting == NULL || self->store == NULL || !kith_meeting_has_changes (self->meeting))
    return TRUE;
  if (!kith_meeting_save (self->meeting, self->store, &error))
    {
      show_toast (self, error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
dup_agenda_subtitle (const KithAgendaItem *item)
{
  g_autoptr(GString) text = g_string_new (kith_agenda_reason_to_string (item->reason));
  guint n_actions = g_strv_length (item->actions);

  if (item->discussed)
    {
      g_string_append (text, " · ");
      g_string_append (text, _("Discussed"));
    }
  if (n_actions > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, ngettext ("%u action agreed", "%u actions agreed", n_actions), n_actions);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
make_icon_button (const char *icon_name,
                  const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

/* --- the meeting ------------------------------------------------------------ */

static void
update_header (KithMeetingsPage *self)
{
  g_autofree char *date = dup_date_words (kith_meeting_get_date (self->meeting));
  g_autofree char *title = g_strdup_printf (_("MDT meeting, %s"), date);
  g_autoptr(GString) subtitle = g_string_new (kith_meeting_get_team (self->meeting));
  const char *chair = kith_meeting_get_chair (self->meeting);

  g_string_append (subtitle, " · ");
  g_string_append (subtitle, kith_meeting_status_to_string (kith_meeting_get_status (self->meeting)));
  if (chair)
    {
      g_string_append (subtitle, " · ");
      /* Translators: who chairs the meeting */
      g_string_append_printf (subtitle, _("Chair: %s"), chair);
    }
  gtk_label_set_text (self->meeting_title, title);
  gtk_label_set_text (self->meeting_subtitle, subtitle->str);
}

static void
update_sensitivity (KithMeetingsPage *self)
{
  gboolean open = self->meeting != NULL && !is_finished (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  /* Focus leaves what is about to be switched off, to somewhere still on
   * (an entry switched off with the focus in it never hears it left). */
  if (!open && focus != NULL && self->meeting != NULL &&
      (gtk_widget_is_ancestor (focus, self->discussion_group) ||
       gtk_widget_is_ancestor (focus, GTK_WIDGET (self->attendance_list)) ||
       gtk_widget_is_ancestor (focus, GTK_WIDGET (self->agenda_list)) ||
       focus == self->build_button || focus == self->finish_button))
    gtk_widget_grab_focus (self->export_button);

  gtk_widget_set_sensitive (self->build_button, open);
  gtk_widget_set_visible (GTK_WIDGET (self->attendee_row), open);
  gtk_widget_set_sensitive (GTK_WIDGET (self->discussed_switch), open);
  gtk_text_view_set_editable (self->note_view, open);
  gtk_widget_set_sensitive (GTK_WIDGET (self->action_text_row), open);
  gtk_widget_set_sensitive (GTK_WIDGET (self->action_owner_row), open);
  gtk_widget_set_sensitive (GTK_WIDGET (self->due_button), open);
  gtk_widget_set_sensitive (self->add_action_button, open);
  gtk_widget_set_sensitive (self->finish_button, open);
  gtk_widget_set_sensitive (self->export_button, self->meeting != NULL);
}

static void
on_attended_check_toggled_cb (GtkCheckButton   *check,
                              KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;
  const char *name = g_object_get_data (G_OBJECT (check), "kith-attendee");

  if (self->filling || self->meeting == NULL)
    return;
  if (!kith_meeting_set_attended (self->meeting, name, gtk_check_button_get_active (check), &error))
    {
      show_toast (self, error->message);
      return;
    }
  save_meeting (self);
  update_header (self);
}

static void
on_remove_attendee_clicked_cb (GtkButton        *button,
                               KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup (g_object_get_data (G_OBJECT (button), "kith-attendee"));

  if (self->meeting == NULL)
    return;
  if (!kith_meeting_remove_attendee (self->meeting, name, &error))
    {
      show_toast (self, error->message);
      return;
    }
  save_meeting (self);
  fill_meeting (self);
}

static void
fill_attendance (KithMeetingsPage *self)
{
  g_autoptr(GPtrArray) attendees = kith_meeting_list_attendees (self->meeting);
  gboolean open = !is_finished (self);
  GtkWidget *child;

  /* Everyone but the row for adding someone */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->attendance_list))) != NULL &&
         child != GTK_WIDGET (self->attendee_row))
    gtk_list_box_remove (self->attendance_list, child);

  for (guint i = 0; i < attendees->len; i++)
    {
      KithAttendee *attendee = attendees->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), attendee->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   attendee->chair ? _("Chair") : attendee->attended ? _("Here") : _("Apologies"));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), attendee->attended);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_widget_set_sensitive (check, open);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Attended"), -1);
      g_object_set_data_full (G_OBJECT (check), "kith-attendee", g_strdup (attendee->name), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (on_attended_check_toggled_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      if (open && !attendee->chair)
        {
          GtkWidget *remove = make_icon_button ("list-remove-symbolic", _("Remove From the Attendees"));

          g_object_set_data_full (G_OBJECT (remove), "kith-attendee", g_strdup (attendee->name), g_free);
          g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_attendee_clicked_cb), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
        }
      gtk_list_box_insert (self->attendance_list, row, (int) i);
    }
}

static void
fill_meeting (KithMeetingsPage *self)
{
  if (self->meeting == NULL)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "none");
      return;
    }
  self->filling = TRUE;
  update_header (self);
  fill_attendance (self);
  fill_agenda (self);
  fill_discussion (self);
  update_sensitivity (self);
  self->filling = FALSE;
  gtk_stack_set_visible_child_name (self->content_stack, "meeting");
}

static void
set_meeting (KithMeetingsPage *self,
             KithMeeting      *meeting)
{
  save_meeting (self);
  g_set_object (&self->meeting, meeting);
  self->item = -1;
  gtk_widget_set_visible (GTK_WIDGET (self->left_off_label), FALSE);
  fill_meeting (self);
}

/* --- the agenda ------------------------------------------------------------- */

static void
select_item (KithMeetingsPage *self,
             int               index)
{
  save_meeting (self);
  self->item = index;
  self->filling = TRUE;
  fill_discussion (self);
  self->filling = FALSE;
}

static gboolean
move_item (KithMeetingsPage *self,
           guint             from,
           guint             to)
{
  g_autoptr(GError) error = NULL;
  GtkListBoxRow *row;

  if (self->meeting == NULL || from == to)
    return FALSE;
  if (!kith_meeting_move_item (self->meeting, from, to, &error))
    {
      show_toast (self, error->message);
      return FALSE;
    }
  /* The person being discussed stays the one being discussed. */
  if (self->item == (int) from)
    self->item = (int) to;
  else if (from < to && self->item > (int) from && self->item <= (int) to)
    self->item--;
  else if (to < from && self->item >= (int) to && self->item < (int) from)
    self->item++;
  save_meeting (self);
  fill_agenda (self);
  /* Focus follows the person moved, so Alt+Up can move them again. */
  if ((row = gtk_list_box_get_row_at_index (self->agenda_list, (int) to)) != NULL)
    {
      gtk_list_box_select_row (self->agenda_list, row);
      gtk_widget_grab_focus (GTK_WIDGET (row));
    }
  return TRUE;
}

static void
on_move_button_clicked_cb (GtkButton        *button,
                           KithMeetingsPage *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "kith-index"));
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "kith-delta"));

  move_item (self, index, (guint) ((int) index + delta));
}

static void
on_remove_item_clicked_cb (GtkButton        *button,
                           KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "kith-index"));

  if (self->meeting == NULL)
    return;
  if (!kith_meeting_remove_item (self->meeting, index, &error))
    {
      show_toast (self, error->message);
      return;
    }
  if (self->item == (int) index)
    self->item = -1;
  else if (self->item > (int) index)
    self->item--;
  save_meeting (self);
  fill_agenda (self);
  fill_discussion (self);
}

static GtkWidget *
make_agenda_row (KithMeetingsPage     *self,
                 const KithAgendaItem *item,
                 guint                 index,
                 guint                 n_items)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = dup_agenda_subtitle (item);
  g_autofree char *number = g_strdup_printf ("%u", index + 1);
  GtkWidget *number_label = gtk_label_new (number);
  gboolean open = !is_finished (self);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), item->name ? item->name : _("Unnamed person"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_add_css_class (number_label, "dim-label");
  gtk_widget_add_css_class (number_label, "numeric");
  gtk_label_set_width_chars (GTK_LABEL (number_label), 2);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), number_label);

  if (open)
    {
      GtkWidget *up = make_icon_button ("go-up-symbolic", _("Move Up"));
      GtkWidget *down = make_icon_button ("go-down-symbolic", _("Move Down"));
      GtkWidget *remove = make_icon_button ("list-remove-symbolic", _("Remove From the Agenda"));

      g_object_set_data (G_OBJECT (up), "kith-index", GUINT_TO_POINTER (index));
      g_object_set_data (G_OBJECT (up), "kith-delta", GINT_TO_POINTER (-1));
      g_object_set_data (G_OBJECT (down), "kith-index", GUINT_TO_POINTER (index));
      g_object_set_data (G_OBJECT (down), "kith-delta", GINT_TO_POINTER (1));
      g_object_set_data (G_OBJECT (remove), "kith-index", GUINT_TO_POINTER (index));
      gtk_widget_set_sensitive (up, index > 0);
      gtk_widget_set_sensitive (down, index + 1 < n_items);
      gtk_widget_set_sensitive (remove, g_strv_length (item->actions) == 0);
      g_signal_connect (up, "clicked", G_CALLBACK (on_move_button_clicked_cb), self);
      g_signal_connect (down, "clicked", G_CALLBACK (on_move_button_clicked_cb), self);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_item_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), up);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), down);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
    }
  return row;
}

static void
fill_agenda (KithMeetingsPage *self)
{
  g_autoptr(GPtrArray) items = kith_meeting_list_agenda (self->meeting);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->agenda_list))) != NULL)
    gtk_list_box_remove (self->agenda_list, child);
  for (guint i = 0; i < items->len; i++)
    gtk_list_box_append (self->agenda_list, make_agenda_row (self, items->pdata[i], i, items->len));
  if (self->item >= 0)
    gtk_list_box_select_row (self->agenda_list, gtk_list_box_get_row_at_index (self->agenda_list, self->item));
}

/* Only the row's words change: the list keeps its focus and scroll. */
static void
update_agenda_row (KithMeetingsPage *self,
                   int               index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->agenda_list, index);
  g_autoptr(KithAgendaItem) item = NULL;
  g_autofree char *subtitle = NULL;

  if (row == NULL || !ADW_IS_ACTION_ROW (row) || !(item = kith_meeting_get_item (self->meeting, index)))
    return;
  subtitle = dup_agenda_subtitle (item);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
}

static void
show_left_off (KithMeetingsPage *self)
{
  g_autoptr(GString) parts = g_string_new (NULL);

  for (KithAgendaReason reason = KITH_AGENDA_NEW_REFERRAL; reason < KITH_AGENDA_ADDED; reason++)
    {
      guint n = kith_meeting_get_left_off (self->meeting, reason);
      g_autofree char *part = NULL;

      if (n == 0)
        continue;
      switch (reason)
        {
        case KITH_AGENDA_NEW_REFERRAL:
          part = g_strdup_printf (ngettext ("%u with a new referral", "%u with new referrals", n), n);
          break;
        case KITH_AGENDA_SAFETY_ALERT:
          part = g_strdup_printf (ngettext ("%u with a safety alert", "%u with safety alerts", n), n);
          break;
        case KITH_AGENDA_HIGH_RISK:
          part = g_strdup_printf (ngettext ("%u at high risk", "%u at high risk", n), n);
          break;
        case KITH_AGENDA_REVIEW_DUE:
        case KITH_AGENDA_ADDED:
        default:
          part = g_strdup_printf (ngettext ("%u with a review due", "%u with reviews due", n), n);
          break;
        }
      if (parts->len > 0)
        g_string_append (parts, ", ");
      g_string_append (parts, part);
    }
  if (parts->len > 0)
    {
      /* Translators: %u is the most people added for each reason, %s says
       * who was left off: "12 with reviews due, 3 at high risk" */
      g_autofree char *text = g_strdup_printf (_("To keep the meeting to time, at most %u people were added "
                                                 "for each reason. Not added: %s. Add anyone who must be "
                                                 "discussed from their record."),
                                               KITH_AGENDA_DEFAULT_MAX, parts->str);

      gtk_label_set_text (self->left_off_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->left_off_label), parts->len > 0);
}

static void
on_build_button_clicked_cb (KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;
  guint before;
  guint added;

  if (self->meeting == NULL || self->store == NULL)
    return;
  save_meeting (self);
  before = kith_meeting_get_n_items (self->meeting);
  if (!kith_meeting_build_agenda (self->meeting, self->store, NULL, &error))
    {
      show_toast (self, error->message);
      return;
    }
  added = kith_meeting_get_n_items (self->meeting) - before;
  save_meeting (self);
  fill_agenda (self);
  show_left_off (self);
  if (added == 0)
    show_toast (self, _("No one new to add to the agenda"));
  else
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u person added to the agenda",
                                                         "%u people added to the agenda", added), added);

      show_toast (self, text);
    }
}

static void
on_agenda_list_row_activated_cb (KithMeetingsPage *self,
                                 GtkListBoxRow    *row)
{
  select_item (self, gtk_list_box_row_get_index (row));
  /* Straight to the note: the page scrolls to it. Alt+Up and Alt+Down
   * still move the person chosen. */
  if (!is_finished (self))
    gtk_widget_grab_focus (GTK_WIDGET (self->note_view));
}

/* Alt+Up and Alt+Down: the agenda row with the focus, else the one chosen. */
static void
move_focused_item (KithMeetingsPage *self,
                   int               delta)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  GtkListBoxRow *row = NULL;
  int index, n;

  if (self->meeting == NULL || is_finished (self))
    return;
  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    if (GTK_IS_LIST_BOX_ROW (w) && gtk_widget_get_parent (w) == GTK_WIDGET (self->agenda_list))
      {
        row = GTK_LIST_BOX_ROW (w);
        break;
      }
  if (row == NULL)
    row = gtk_list_box_get_selected_row (self->agenda_list);
  if (row == NULL)
    return;
  index = gtk_list_box_row_get_index (row);
  n = (int) kith_meeting_get_n_items (self->meeting);
  if (index + delta >= 0 && index + delta < n)
    move_item (self, (guint) index, (guint) (index + delta));
}

static void
meeting_move_up_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  move_focused_item (KITH_MEETINGS_PAGE (widget), -1);
}

static void
meeting_move_down_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  move_focused_item (KITH_MEETINGS_PAGE (widget), 1);
}

/* --- discussing one person -------------------------------------------------- */

static void
reset_due_date (KithMeetingsPage *self)
{
  g_autoptr(GDateTime) day = date_time_of_iso (kith_meeting_get_date (self->meeting));
  g_autoptr(GDateTime) due = NULL;

  if (day == NULL)
    day = g_date_time_new_now_local ();
  due = g_date_time_add_days (day, DEFAULT_DUE_DAYS);
  gtk_calendar_select_day (self->due_calendar, due);
}

static char *
dup_due_date (KithMeetingsPage *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (self->due_calendar);

  return dup_iso_of_date_time (date);
}

static void
update_due_label (KithMeetingsPage *self)
{
  g_autofree char *iso = dup_due_date (self);
  g_autofree char *words = dup_date_words (iso);

  gtk_menu_button_set_label (self->due_button, words);
}

static void
on_due_calendar_day_selected_cb (KithMeetingsPage *self)
{
  update_due_label (self);
}

static GtkWidget *
make_action_row (const KithAction *action)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GString) subtitle = g_string_new (NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), action->text);
  /* Translators: who will do an action */
  g_string_append_printf (subtitle, _("Who: %s"), action->owner ? action->owner : "");
  if (action->due)
    {
      g_autofree char *due = dup_date_words (action->due);

      g_string_append (subtitle, " · ");
      /* Translators: when an action is due, "By 17 December 2026" */
      g_string_append_printf (subtitle, _("By %s"), due);
    }
  if (action->status == KITH_ACTION_DONE)
    {
      g_string_append (subtitle, " · ");
      g_string_append (subtitle, _("Done"));
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  return row;
}

static void
fill_actions (KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_list))) != NULL)
    gtk_list_box_remove (self->actions_list, child);
  if (!(actions = kith_meeting_list_item_actions (self->meeting, self->store, self->item, &error)))
    {
      show_toast (self, error->message);
      return;
    }
  for (guint i = 0; i < actions->len; i++)
    gtk_list_box_append (self->actions_list, make_action_row (actions->pdata[i]));
  if (actions->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No actions agreed yet"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->actions_list, row);
    }
}

static void
fill_discussion (KithMeetingsPage *self)
{
  g_autoptr(KithAgendaItem) item = NULL;
  gboolean was_filling = self->filling;

  if (self->meeting == NULL || self->item < 0 || !(item = kith_meeting_get_item (self->meeting, self->item)))
    {
      self->item = -1;
      gtk_widget_set_visible (self->discussion_group, FALSE);
      return;
    }
  self->filling = TRUE;
  gtk_label_set_text (self->person_label, item->name ? item->name : _("Unnamed person"));
  gtk_label_set_text (self->reason_label, kith_agenda_reason_to_string (item->reason));
  gtk_switch_set_active (self->discussed_switch, item->discussed);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), item->note ? item->note : "", -1);
  gtk_editable_set_text (GTK_EDITABLE (self->action_text_row), "");
  if (*gtk_editable_get_text (GTK_EDITABLE (self->action_owner_row)) == '\0' && self->my_name)
    gtk_editable_set_text (GTK_EDITABLE (self->action_owner_row), self->my_name);
  reset_due_date (self);
  update_due_label (self);
  if (self->store)
    fill_actions (self);
  gtk_widget_set_visible (self->discussion_group, TRUE);
  self->filling = was_filling;
}

static gboolean
save_note_cb (gpointer user_data)
{
  KithMeetingsPage *self = user_data;

  self->save_note_id = 0;
  save_meeting (self);
  return G_SOURCE_REMOVE;
}

static void
on_note_buffer_changed_cb (GtkTextBuffer    *buffer,
                           KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  if (self->filling || self->meeting == NULL || self->item < 0)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (!kith_meeting_set_note (self->meeting, self->item, text, &error))
    {
      show_toast (self, error->message);
      return;
    }
  update_agenda_row (self, self->item);
  self->filling = TRUE;
  {
    g_autoptr(KithAgendaItem) item = kith_meeting_get_item (self->meeting, self->item);

    gtk_switch_set_active (self->discussed_switch, item->discussed);
  }
  self->filling = FALSE;
  g_clear_handle_id (&self->save_note_id, g_source_remove);
  self->save_note_id = g_timeout_add (NOTE_SAVE_DELAY_MS, save_note_cb, self);
}

static void
on_discussed_switch_active_cb (KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->filling || self->meeting == NULL || self->item < 0)
    return;
  if (!kith_meeting_set_discussed (self->meeting, self->item, gtk_switch_get_active (self->discussed_switch), &error))
    {
      show_toast (self, error->message);
      return;
    }
  save_meeting (self);
  update_agenda_row (self, self->item);
  update_header (self);
}

static void
on_add_action_button_clicked_cb (KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAgendaItem) item = NULL;
  g_autofree char *due = NULL;
  g_autofree char *reference = NULL;

  if (self->meeting == NULL || self->store == NULL || self->item < 0)
    return;
  due = dup_due_date (self);
  reference = kith_meeting_add_action (self->meeting, self->store, self->item,
                                       gtk_editable_get_text (GTK_EDITABLE (self->action_text_row)),
                                       gtk_editable_get_text (GTK_EDITABLE (self->action_owner_row)),
                                       due, &error);
  if (reference == NULL)
    {
      show_toast (self, error->message);
      return;
    }
  /* The meeting was saved with the plan, the note with it. */
  g_clear_handle_id (&self->save_note_id, g_source_remove);
  item = kith_meeting_get_item (self->meeting, self->item);
  {
    /* Translators: after an action agreed at the meeting is added to a person's plan */
    g_autofree char *text = g_strdup_printf (_("Action added to the plan of %s"), item->name);

    show_toast (self, text);
  }
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->action_text_row), "");
  gtk_switch_set_active (self->discussed_switch, item->discussed);
  self->filling = FALSE;
  fill_actions (self);
  update_agenda_row (self, self->item);
  update_header (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->action_text_row));
}

static void
on_open_person_button_clicked_cb (KithMeetingsPage *self)
{
  g_autoptr(KithAgendaItem) item = NULL;

  if (self->meeting == NULL || self->item < 0 || !(item = kith_meeting_get_item (self->meeting, self->item)))
    return;
  g_signal_emit (self, signals[OPEN_PERSON], 0, item->patient_id);
}

/* --- attendance ------------------------------------------------------------- */

static void
on_attendee_row_apply_cb (KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->attendee_row)));

  if (self->meeting == NULL || g_strstrip (name)[0] == '\0')
    return;
  if (!kith_meeting_add_attendee (self->meeting, name, &error))
    {
      show_toast (self, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->attendee_row), "");
  save_meeting (self);
  self->filling = TRUE;
  fill_attendance (self);
  self->filling = FALSE;
}

/* --- the list of meetings --------------------------------------------------- */

static GtkWidget *
make_meeting_row (KithMeeting *meeting)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  g_autofree char *date = dup_date_words (kith_meeting_get_date (meeting));
  g_autofree char *details = g_strdup_printf ("%s · %s", kith_meeting_get_team (meeting),
                                              kith_meeting_status_to_string (kith_meeting_get_status (meeting)));
  GtkWidget *title = gtk_label_new (date);
  GtkWidget *subtitle = gtk_label_new (details);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "kith-meeting-id", g_strdup (kith_meeting_get_id (meeting)), g_free);
  return row;
}

static void
fill_meetings_list (KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) meetings = NULL;
  const char *current = self->meeting ? kith_meeting_get_id (self->meeting) : NULL;
  GtkWidget *child;

  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->meetings_list))) != NULL)
    gtk_list_box_remove (self->meetings_list, child);
  if (self->store && !(meetings = kith_meeting_list (self->store, &error)))
    show_toast (self, error->message);
  for (guint i = 0; meetings && i < meetings->len; i++)
    {
      GtkWidget *row = make_meeting_row (meetings->pdata[i]);

      gtk_list_box_append (self->meetings_list, row);
      if (g_strcmp0 (kith_meeting_get_id (meetings->pdata[i]), current) == 0)
        gtk_list_box_select_row (self->meetings_list, GTK_LIST_BOX_ROW (row));
    }
  gtk_stack_set_visible_child_name (self->sidebar_stack, meetings && meetings->len > 0 ? "list" : "empty");
  self->filling = FALSE;
}

static void
on_meetings_list_row_selected_cb (KithMeetingsPage *self,
                                  GtkListBoxRow    *row)
{
  const char *id;

  if (self->filling || row == NULL)
    return;
  id = g_object_get_data (G_OBJECT (row), "kith-meeting-id");
  if (self->meeting && g_strcmp0 (id, kith_meeting_get_id (self->meeting)) == 0)
    return;
  kith_meetings_page_show_meeting (self, id);
}

static void
on_new_popover_show_cb (KithMeetingsPage *self)
{
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();

  gtk_calendar_select_day (self->new_calendar, today);
  if (*gtk_editable_get_text (GTK_EDITABLE (self->new_team_entry)) == '\0' && self->my_team)
    gtk_editable_set_text (GTK_EDITABLE (self->new_team_entry), self->my_team);
}

static void
on_create_button_clicked_cb (KithMeetingsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) date = gtk_calendar_get_date (self->new_calendar);
  g_autofree char *iso = dup_iso_of_date_time (date);
  g_autoptr(KithMeeting) meeting = NULL;

  if (self->store == NULL)
    return;
  if (!(meeting = kith_meeting_new (iso, gtk_editable_get_text (GTK_EDITABLE (self->new_team_entry)), &error)) ||
      (self->my_name && !kith_meeting_set_chair (meeting, self->my_name, &error)) ||
      !kith_meeting_save (meeting, self->store, &error))
    {
      show_toast (self, error->message);
      return;
    }
  gtk_popover_popdown (self->new_popover);
  set_meeting (self, meeting);
  fill_meetings_list (self);
}

/* --- finishing and the record ------------------------------------------------ */

static void
on_finish_dialog_response_cb (KithMeetingsPage *self,
                              const char       *response)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "finish") != 0 || self->meeting == NULL)
    return;
  save_meeting (self);
  if (!kith_meeting_finish (self->meeting, self->store, &error))
    {
      show_toast (self, error->message);
      return;
    }
  show_toast (self, _("Meeting finished"));
  fill_meeting (self);
  fill_meetings_list (self);
}

static void
on_finish_button_clicked_cb (KithMeetingsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  if (self->meeting == NULL)
    return;
  save_meeting (self);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Finish the Meeting?"),
                                                       _("The meeting’s record is then kept as it is: its "
                                                         "attendance, notes and agenda can no longer be "
                                                         "changed. The actions agreed stay in each person’s plan.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "finish", _("_Finish Meeting"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "finish", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "finish");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_finish_dialog_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_pdf_chooser_response_cb (KithMeetingsPage     *self,
                            int                   response,
                            GtkFileChooserNative *chooser)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL &&
      (path = g_file_get_path (file)) != NULL)
    {
      if (kith_meetings_page_export_pdf (self, path, &error))
        {
          g_autofree char *name = g_file_get_basename (file);
          /* Translators: the PDF's file name */
          g_autofree char *text = g_strdup_printf (_("Saved “%s”"), name);

          show_toast (self, text);
        }
      else
        show_toast (self, error->message);
    }
  g_clear_object (&self->pdf_chooser);
}

static void
on_export_button_clicked_cb (KithMeetingsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *date = NULL;
  g_autofree char *name = NULL;

  if (self->meeting == NULL)
    return;
  save_meeting (self);
  date = dup_date_words (kith_meeting_get_date (self->meeting));
  /* Translators: the suggested file name for a meeting's record */
  name = g_strdup_printf (_("MDT meeting, %s, %s.pdf"), kith_meeting_get_team (self->meeting), date);
  g_clear_object (&self->pdf_chooser);
  self->pdf_chooser = gtk_file_chooser_native_new (_("Export the Meeting’s Record"),
                                                   GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->pdf_chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->pdf_chooser), TRUE);
  g_signal_connect_object (self->pdf_chooser, "response", G_CALLBACK (on_pdf_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->pdf_chooser));
}

/* --- GObject ---------------------------------------------------------------- */

static void
kith_meetings_page_dispose (GObject *object)
{
  KithMeetingsPage *self = (KithMeetingsPage *) object;

  /* A note typed in the last second is not lost. */
  if (self->save_note_id != 0)
    save_meeting (self);
  g_clear_handle_id (&self->save_note_id, g_source_remove);
  if (self->pdf_chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->pdf_chooser));
  g_clear_object (&self->pdf_chooser);
  g_clear_object (&self->meeting);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kith_meetings_page_parent_class)->dispose (object);
}

static void
kith_meetings_page_finalize (GObject *object)
{
  KithMeetingsPage *self = (KithMeetingsPage *) object;

  g_free (self->my_name);
  g_free (self->my_team);

  G_OBJECT_CLASS (kith_meetings_page_parent_class)->finalize (object);
}

static void
kith_meetings_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KithMeetingsPage *self = KITH_MEETINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:   g_value_set_object (value, self->store); break;
    case PROP_MY_NAME: g_value_set_string (value, self->my_name); break;
    case PROP_MY_TEAM: g_value_set_string (value, self->my_team); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static char *
dup_clean (const char *text)
{
  char *copy = text ? g_strstrip (g_strdup (text)) : NULL;

  if (copy && *copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

static void
kith_meetings_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KithMeetingsPage *self = KITH_MEETINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      if (self->store == g_value_get_object (value))
        return;
      save_meeting (self);
      g_clear_object (&self->meeting);
      g_set_object (&self->store, g_value_get_object (value));
      kith_meetings_page_reload (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_MY_NAME:
      {
        g_autofree char *name = dup_clean (g_value_get_string (value));
        const char *owner = gtk_editable_get_text (GTK_EDITABLE (self->action_owner_row));

        if (g_strcmp0 (name, self->my_name) == 0)
          return;
        /* The default owner follows the name, unless someone else was typed. */
        if (*owner == '\0' || g_strcmp0 (owner, self->my_name) == 0)
          gtk_editable_set_text (GTK_EDITABLE (self->action_owner_row), name ? name : "");
        g_free (self->my_name);
        self->my_name = g_steal_pointer (&name);
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    case PROP_MY_TEAM:
      {
        g_autofree char *team = dup_clean (g_value_get_string (value));

        if (g_strcmp0 (team, self->my_team) == 0)
          return;
        g_free (self->my_team);
        self->my_team = g_steal_pointer (&team);
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_meetings_page_class_init (KithMeetingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_meetings_page_dispose;
  object_class->finalize = kith_meetings_page_finalize;
  object_class->get_property = kith_meetings_page_get_property;
  object_class->set_property = kith_meetings_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, KITH_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MY_NAME] =
    g_param_spec_string ("my-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MY_TEAM] =
    g_param_spec_string ("my-team", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[OPEN_PERSON] =
    g_signal_new ("open-person", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "meeting.move-up", NULL, meeting_move_up_action);
  gtk_widget_class_install_action (widget_class, "meeting.move-down", NULL, meeting_move_down_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "meeting.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Up, GDK_ALT_MASK, "meeting.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "meeting.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Down, GDK_ALT_MASK, "meeting.move-down", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-meetings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, new_button);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, new_popover);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, new_calendar);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, new_team_entry);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, create_button);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, meetings_list);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, meeting_title);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, meeting_subtitle);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, attendance_list);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, attendee_row);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, build_button);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, left_off_label);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, agenda_list);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, discussion_group);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, person_label);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, reason_label);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, discussed_switch);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, note_view);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, actions_list);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, action_text_row);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, action_owner_row);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, due_button);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, due_calendar);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, add_action_button);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, KithMeetingsPage, finish_button);
  gtk_widget_class_bind_template_callback (widget_class, on_new_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_create_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_meetings_list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_attendee_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_build_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_agenda_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_open_person_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_discussed_switch_active_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_due_calendar_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_action_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_export_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_finish_button_clicked_cb);
}

static void
kith_meetings_page_init (KithMeetingsPage *self)
{
  self->item = -1;
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (gtk_text_view_get_buffer (self->note_view), "changed",
                    G_CALLBACK (on_note_buffer_changed_cb), self);
  gtk_list_box_set_placeholder (self->agenda_list,
                                g_object_new (GTK_TYPE_LABEL,
                                              "label", _("No one is on the agenda yet. Build it from the "
                                                         "team’s new referrals, safety alerts, high risk "
                                                         "and reviews due."),
                                              "wrap", TRUE,
                                              "margin-top", 18, "margin-bottom", 18,
                                              "margin-start", 12, "margin-end", 12,
                                              "css-classes", (const char *[]) { "dim-label", NULL },
                                              NULL));
  gtk_stack_set_visible_child_name (self->content_stack, "none");
  update_sensitivity (self);
}

/* --- public API ------------------------------------------------------------- */

GtkWidget *
kith_meetings_page_new (void)
{
  return g_object_new (KITH_TYPE_MEETINGS_PAGE, NULL);
}

void
kith_meetings_page_reload (KithMeetingsPage *self)
{
  g_autofree char *current = NULL;

  g_return_if_fail (KITH_IS_MEETINGS_PAGE (self));

  save_meeting (self);
  current = self->meeting ? g_strdup (kith_meeting_get_id (self->meeting)) : NULL;
  fill_meetings_list (self);
  if (current == NULL || self->store == NULL || !kith_meetings_page_show_meeting (self, current))
    set_meeting (self, NULL);
}

KithMeeting *
kith_meetings_page_get_meeting (KithMeetingsPage *self)
{
  g_return_val_if_fail (KITH_IS_MEETINGS_PAGE (self), NULL);
  return self->meeting;
}

gboolean
kith_meetings_page_show_meeting (KithMeetingsPage *self,
                                 const char       *meeting_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithMeeting) meeting = NULL;
  int item = -1;

  g_return_val_if_fail (KITH_IS_MEETINGS_PAGE (self), FALSE);

  if (self->store == NULL || meeting_id == NULL)
    return FALSE;
  save_meeting (self);
  if (!(meeting = kith_meeting_load (self->store, meeting_id, &error)))
    {
      show_toast (self, error->message);
      return FALSE;
    }
  /* The same meeting again keeps the person being discussed. */
  if (self->meeting && g_strcmp0 (kith_meeting_get_id (self->meeting), meeting_id) == 0)
    item = self->item;
  set_meeting (self, meeting);
  if (item >= 0 && (guint) item < kith_meeting_get_n_items (meeting))
    select_item (self, item);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->meetings_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "kith-meeting-id"), meeting_id) == 0)
      {
        self->filling = TRUE;
        gtk_list_box_select_row (self->meetings_list, GTK_LIST_BOX_ROW (row));
        self->filling = FALSE;
      }
  return TRUE;
}

gboolean
kith_meetings_page_export_pdf (KithMeetingsPage  *self,
                               const char        *path,
                               GError           **error)
{
  g_return_val_if_fail (KITH_IS_MEETINGS_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->meeting == NULL || self->store == NULL)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_NOT_FOUND, _("Choose a meeting first"));
      return FALSE;
    }
  save_meeting (self);
  return kith_meeting_document_export_pdf (self->meeting, self->store, path, error);
}

#define GETTER(type, name, field, cast) \
  type \
  kith_meetings_page_get_##name (KithMeetingsPage *self) \
  { \
    g_return_val_if_fail (KITH_IS_MEETINGS_PAGE (self), NULL); \
    return cast (self->field); \
  }

GETTER (GtkCalendar *, new_calendar, new_calendar, )
GETTER (GtkEditable *, new_team_entry, new_team_entry, GTK_EDITABLE)
GETTER (GtkWidget *, create_button, create_button, )
GETTER (GtkListBox *, meetings_list, meetings_list, )
GETTER (GtkListBox *, attendance_list, attendance_list, )
GETTER (GtkEditable *, attendee_entry, attendee_row, GTK_EDITABLE)
GETTER (GtkWidget *, build_button, build_button, )
GETTER (GtkListBox *, agenda_list, agenda_list, )
GETTER (GtkLabel *, left_off_label, left_off_label, )
GETTER (GtkTextView *, note_view, note_view, )
GETTER (GtkEditable *, action_text_entry, action_text_row, GTK_EDITABLE)
GETTER (GtkEditable *, action_owner_entry, action_owner_row, GTK_EDITABLE)
GETTER (GtkCalendar *, due_calendar, due_calendar, )
GETTER (GtkWidget *, add_action_button, add_action_button, )
GETTER (GtkListBox *, actions_list, actions_list, )
GETTER (GtkWidget *, finish_button, finish_button, )
GETTER (GtkWidget *, export_button, export_button, )

#undef GETTER
