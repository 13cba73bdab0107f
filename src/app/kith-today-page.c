/* kith-today-page.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Today": the home visits on the co-ordinator's diary for one day, each a
 * card with what they need at the door: the address, the crisis plan in
 * short and what is still to do. Everything is read from the local store,
 * so it works in a car park with no signal.
 */

#define G_LOG_DOMAIN "kith-today-page"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kith-contact-dialog.h"
#include "kith-format.h"
#include "kith-today-page.h"
#include "kith-visit-summary.h"

#define MAX_ACTIONS_SHOWN 4
#define MAX_CALLS_SHOWN   3

struct _KithTodayPage
{
  AdwBin                parent_instance;

  KithStore            *store;
  char                 *my_name;
  GDate                 day;
  GHashTable           *log_buttons;   /* encounter id -> its card's Log Visit button */
  GtkWidget            *dialog;        /* weak: the contact dialog last opened */
  GtkFileChooserNative *pdf_chooser;
  char                 *pdf_visit_id;

  /* Template widgets */
  GtkLabel             *day_label;
  GtkStack             *stack;
  AdwStatusPage        *empty_page;
  GtkBox               *visits_box;
};

G_DEFINE_FINAL_TYPE (KithTodayPage, kith_today_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_MY_NAME,
  N_PROPS
};

enum {
  OPEN_PERSON,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Helpers */

static void
get_today (GDate *today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (today, 1);
  g_date_set_dmy (today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
}

static GtkWindow *
get_parent_window (KithTodayPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* A toast in the window; a dialog when the page is not in one. */
static void
tell (KithTodayPage *self,
      const char    *message)
{
  AdwMessageDialog *dialog;

  if (gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message))
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_parent_window (self), NULL, message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
make_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static char *
format_visit_time (const char *when)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL || (utc = g_date_time_new_from_iso8601 (when, NULL)) == NULL)
    return g_strdup (_("Any time"));
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%H:%M");
}

static void
update_day_label (KithTodayPage *self)
{
  GDate today;
  char iso[11];
  g_autofree char *date = NULL;
  g_autofree char *text = NULL;
  int offset;

  get_today (&today);
  offset = g_date_days_between (&today, &self->day);
  g_date_strftime (iso, sizeof iso, "%Y-%m-%d", &self->day);
  date = kith_format_iso_date (iso, KITH_DATE_STYLE_LONG);
  if (offset == 0)
    /* Translators: the day shown: "Today, 6 December 2026" */
    text = g_strdup_printf (_("Today, %s"), date);
  else if (offset == 1)
    text = g_strdup_printf (_("Tomorrow, %s"), date);
  else if (offset == -1)
    text = g_strdup_printf (_("Yesterday, %s"), date);
  else
    {
      g_autoptr(GDateTime) noon = g_date_time_new_local (g_date_get_year (&self->day), g_date_get_month (&self->day),
                                                         g_date_get_day (&self->day), 12, 0, 0);
      g_autofree char *weekday = noon ? g_date_time_format (noon, "%A") : g_strdup ("");

      /* Translators: the day shown: "Thursday, 10 December 2026" */
      text = g_strdup_printf (_("%s, %s"), weekday, date);
    }
  gtk_label_set_text (self->day_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "today.go-today", offset != 0);

  if (offset == 0)
    adw_status_page_set_title (self->empty_page, _("No visits planned for today"));
  else if (offset == 1)
    adw_status_page_set_title (self->empty_page, _("No visits planned for tomorrow"));
  else
    adw_status_page_set_title (self->empty_page, _("No visits planned for this day"));
  adw_status_page_set_description (self->empty_page,
                                   _("Visits you plan show here on the day, with the address, the crisis plan "
                                     "and what is still to do."));
}

static void
add_section (GtkBox     *box,
             const char *heading,
             GtkWidget  *first)
{
  GtkWidget *label = make_label (heading, "heading");

  gtk_widget_set_margin_top (label, 6);
  gtk_box_append (box, label);
  if (first != NULL)
    gtk_box_append (box, first);
}

/* The crisis plan in short: the warning signs and who to call */
static void
add_crisis (GtkBox       *box,
            KithCarePlan *plan)
{
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GString) calls = g_string_new (NULL);
  const KithTeamMember *coordinator;
  const char *signs;
  GtkWidget *label;
  guint shown = 0;

  if (plan == NULL)
    {
      add_section (box, _("If things get worse"),
                   make_label (_("No care plan yet: no crisis plan written."), "dim-label"));
      return;
    }
  signs = kith_care_plan_get_warning_signs (plan);
  /* Translators: the warning signs in the crisis plan, in short */
  label = make_label (signs != NULL ? signs : _("No warning signs written yet."), NULL);
  gtk_label_set_lines (GTK_LABEL (label), 3);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  add_section (box, _("If things get worse"), label);

  contacts = kith_care_plan_list_crisis_contacts (plan);
  for (guint i = 0; contacts != NULL && i < contacts->len && shown < MAX_CALLS_SHOWN; i++)
    {
      KithContact *contact = contacts->pdata[i];

      if (contact->name == NULL && contact->phone == NULL)
        continue;
      g_string_append_printf (calls, "%s%s%s%s", calls->len ? " · " : "", contact->name ? contact->name : "",
                              contact->name && contact->phone ? " " : "", contact->phone ? contact->phone : "");
      shown++;
    }
  coordinator = kith_care_plan_get_coordinator (plan);
  if (shown < MAX_CALLS_SHOWN && coordinator != NULL && coordinator->name != NULL && coordinator->phone != NULL &&
      strstr (calls->str, coordinator->phone) == NULL)
    g_string_append_printf (calls, "%s%s %s", calls->len ? " · " : "", coordinator->name, coordinator->phone);
  if (calls->len > 0)
    {
      /* Translators: who to call in a crisis: "Call: Daniel Smith 07700 900123 · …" */
      g_autofree char *text = g_strdup_printf (_("Call: %s"), calls->str);

      gtk_box_append (box, make_label (text, NULL));
    }
  else
    gtk_box_append (box, make_label (_("No one to call written yet."), "dim-label"));
}

static void
add_open_actions (GtkBox       *box,
                  KithCarePlan *plan)
{
  g_autoptr(GPtrArray) actions = plan ? kith_care_plan_list_actions (plan) : NULL;
  guint open = 0;

  for (guint i = 0; actions != NULL && i < actions->len; i++)
    {
      const KithAction *action = actions->pdata[i];
      g_autofree char *due = NULL;
      g_autofree char *text = NULL;

      if (action->status != KITH_ACTION_NOT_STARTED && action->status != KITH_ACTION_IN_PROGRESS)
        continue;
      if (open++ == 0)
        add_section (box, _("Still to do"), NULL);
      if (open > MAX_ACTIONS_SHOWN)
        continue;
      due = action->due ? kith_format_iso_date (action->due, KITH_DATE_STYLE_SHORT) : NULL;
      if (due != NULL)
        /* Translators: an open plan action: "• Fit a grab rail — Bethan Hughes, by 3 Mar 2026" */
        text = g_strdup_printf (_("• %s — %s, by %s"), action->text, action->owner ? action->owner : "", due);
      else
        text = g_strdup_printf (_("• %s — %s"), action->text, action->owner ? action->owner : "");
      gtk_box_append (box, make_label (text, NULL));
    }
  if (open > MAX_ACTIONS_SHOWN)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("and %u more", "and %u more", open - MAX_ACTIONS_SHOWN),
                                               open - MAX_ACTIONS_SHOWN);

      gtk_box_append (box, make_label (more, "dim-label"));
    }
}

/* Callbacks */

static void on_log_button_clicked_cb   (KithTodayPage *self, GtkButton *button);
static void on_print_button_clicked_cb (KithTodayPage *self, GtkButton *button);
static void on_open_button_clicked_cb  (KithTodayPage *self, GtkButton *button);

static GtkWidget *
make_button (KithTodayPage      *self,
             const char         *label,
             const char         *id,
             GCallback           callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  g_object_set_data_full (G_OBJECT (button), "kith-id", g_strdup (id), g_free);
  g_signal_connect_object (button, "clicked", callback, self, G_CONNECT_SWAPPED);
  return button;
}

static GtkWidget *
make_card (KithTodayPage          *self,
           const KithContactEntry *visit)
{
  g_autoptr(KithPatient) patient = kith_store_load_patient (self->store, visit->patient_id, NULL);
  g_autoptr(KithCarePlan) plan = kith_care_plan_load_current (self->store, visit->patient_id, NULL);
  g_autofree char *time = format_visit_time (visit->when);
  g_autofree char *name = patient ? kith_patient_dup_list_name (patient) : g_strdup (_("Not in the records"));
  const char *address = patient ? kith_patient_get_address (patient) : NULL;
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label, *log_button;
  g_autofree char *accessible = NULL;

  gtk_widget_add_css_class (card, "card");
  gtk_widget_set_margin_top (body, 12);
  gtk_widget_set_margin_bottom (body, 12);
  gtk_widget_set_margin_start (body, 12);
  gtk_widget_set_margin_end (body, 12);
  gtk_box_append (GTK_BOX (card), body);

  label = make_label (time, "title-2");
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (top), label);
  label = make_label (name, "title-3");
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_BASELINE);
  gtk_box_append (GTK_BOX (top), label);
  gtk_box_append (GTK_BOX (body), top);

  label = make_label (address ? address : _("No address recorded"), address ? NULL : "dim-label");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (body), label);
  if (visit->participants != NULL && visit->participants[0] != NULL && visit->participants[1] != NULL)
    {
      g_autofree char *others = g_strjoinv (", ", visit->participants + 1);
      /* Translators: who else is going on the visit */
      g_autofree char *text = g_strdup_printf (_("With %s"), others);

      gtk_box_append (GTK_BOX (body), make_label (text, "dim-label"));
    }
  if (visit->notes != NULL)
    gtk_box_append (GTK_BOX (body), make_label (visit->notes, "dim-label"));

  add_crisis (GTK_BOX (body), plan);
  add_open_actions (GTK_BOX (body), plan);

  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 8);
  gtk_box_append (GTK_BOX (buttons), make_button (self, _("_Open Record"), visit->patient_id,
                                                  G_CALLBACK (on_open_button_clicked_cb)));
  gtk_box_append (GTK_BOX (buttons), make_button (self, _("_Print Summary…"), visit->id,
                                                  G_CALLBACK (on_print_button_clicked_cb)));
  log_button = make_button (self, _("_Log Visit…"), visit->id, G_CALLBACK (on_log_button_clicked_cb));
  gtk_widget_add_css_class (log_button, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), log_button);
  gtk_box_append (GTK_BOX (body), buttons);
  g_hash_table_insert (self->log_buttons, g_strdup (visit->id), log_button);

  /* Translators: a visit card, for screen readers: "10:30, SMITH, Margaret" */
  accessible = g_strdup_printf (_("%s, %s"), time, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return card;
}

static void
on_visit_saved_cb (KithTodayPage *self,
                   const char    *encounter_id)
{
  kith_today_page_reload (self);
  tell (self, _("Visit logged"));
}

static void
on_log_button_clicked_cb (KithTodayPage *self,
                          GtkButton     *button)
{
  GtkWidget *dialog;

  dialog = kith_contact_dialog_new_for_visit (get_parent_window (self), self->store,
                                              g_object_get_data (G_OBJECT (button), "kith-id"), self->my_name);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_visit_saved_cb), self, G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_pdf_chooser_response_cb (KithTodayPage        *self,
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
      if (kith_visit_summary_export_contact (self->store, self->pdf_visit_id, path, &error))
        {
          g_autofree char *name = g_file_get_basename (file);
          /* Translators: the PDF's file name */
          g_autofree char *text = g_strdup_printf (_("Saved “%s”"), name);

          tell (self, text);
        }
      else
        tell (self, error->message);
    }
  g_clear_object (&self->pdf_chooser);
  g_clear_pointer (&self->pdf_visit_id, g_free);
}

static void
on_print_button_clicked_cb (KithTodayPage *self,
                            GtkButton     *button)
{
  const char *id = g_object_get_data (G_OBJECT (button), "kith-id");
  g_autoptr(KithContactEntry) visit = kith_contact_load (self->store, id, NULL);
  g_autoptr(KithPatient) patient = visit ? kith_store_load_patient (self->store, visit->patient_id, NULL) : NULL;
  g_autofree char *person = patient ? kith_patient_dup_spoken_name (patient) : NULL;
  g_autofree char *file_name = NULL;

  /* Translators: the suggested file name for the visit summary */
  file_name = person ? g_strdup_printf (_("Visit summary for %s.pdf"), person) : g_strdup (_("Visit summary.pdf"));
  g_clear_object (&self->pdf_chooser);
  g_free (self->pdf_visit_id);
  self->pdf_visit_id = g_strdup (id);
  self->pdf_chooser = gtk_file_chooser_native_new (_("Save the Visit Summary"), get_parent_window (self),
                                                   GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->pdf_chooser), file_name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->pdf_chooser), TRUE);
  g_signal_connect_object (self->pdf_chooser, "response", G_CALLBACK (on_pdf_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->pdf_chooser));
}

static void
on_open_button_clicked_cb (KithTodayPage *self,
                           GtkButton     *button)
{
  g_signal_emit (self, signals[OPEN_PERSON], 0, g_object_get_data (G_OBJECT (button), "kith-id"));
}

static void
on_visit_planned_cb (KithTodayPage *self,
                     const char    *encounter_id)
{
  g_autoptr(KithContactEntry) visit = kith_contact_load (self->store, encounter_id, NULL);
  GDate on;

  /* Show the day it was planned for. */
  if (visit != NULL && visit->when != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (visit->when, NULL);
      g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

      if (local != NULL)
        {
          g_date_clear (&on, 1);
          g_date_set_dmy (&on, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                          g_date_time_get_year (local));
          self->day = on;
        }
    }
  kith_today_page_reload (self);
  tell (self, _("Visit planned"));
}

static void
today_move_day_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KithTodayPage *self = KITH_TODAY_PAGE (widget);

  if (g_str_equal (action_name, "today.next-day"))
    g_date_add_days (&self->day, 1);
  else if (g_str_equal (action_name, "today.previous-day"))
    g_date_subtract_days (&self->day, 1);
  else
    get_today (&self->day);
  kith_today_page_reload (self);
}

static void
today_plan_visit_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  KithTodayPage *self = KITH_TODAY_PAGE (widget);
  GtkWidget *dialog;

  if (self->store == NULL)
    return;
  dialog = kith_contact_dialog_new_plan (get_parent_window (self), self->store, NULL, self->my_name, &self->day);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_visit_planned_cb), self, G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Overrides */

static void
kith_today_page_dispose (GObject *object)
{
  KithTodayPage *self = KITH_TODAY_PAGE (object);

  g_clear_weak_pointer (&self->dialog);
  if (self->pdf_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->pdf_chooser));
  g_clear_object (&self->pdf_chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_TODAY_PAGE);

  G_OBJECT_CLASS (kith_today_page_parent_class)->dispose (object);
}

static void
kith_today_page_finalize (GObject *object)
{
  KithTodayPage *self = KITH_TODAY_PAGE (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->my_name, g_free);
  g_clear_pointer (&self->pdf_visit_id, g_free);
  g_clear_pointer (&self->log_buttons, g_hash_table_unref);

  G_OBJECT_CLASS (kith_today_page_parent_class)->finalize (object);
}

static void
kith_today_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KithTodayPage *self = KITH_TODAY_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_MY_NAME:
      g_value_set_string (value, self->my_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_today_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  KithTodayPage *self = KITH_TODAY_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      kith_today_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_MY_NAME:
      kith_today_page_set_my_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_today_page_class_init (KithTodayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_today_page_dispose;
  object_class->finalize = kith_today_page_finalize;
  object_class->get_property = kith_today_page_get_property;
  object_class->set_property = kith_today_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, KITH_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MY_NAME] =
    g_param_spec_string ("my-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KithTodayPage::open-person:
   * @patient_id: the person whose record to open
   */
  signals[OPEN_PERSON] = g_signal_new ("open-person",
                                       G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-today-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KithTodayPage, day_label);
  gtk_widget_class_bind_template_child (widget_class, KithTodayPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KithTodayPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KithTodayPage, visits_box);

  gtk_widget_class_install_action (widget_class, "today.previous-day", NULL, today_move_day_action);
  gtk_widget_class_install_action (widget_class, "today.next-day", NULL, today_move_day_action);
  gtk_widget_class_install_action (widget_class, "today.go-today", NULL, today_move_day_action);
  gtk_widget_class_install_action (widget_class, "today.plan-visit", NULL, today_plan_visit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_ALT_MASK, "today.previous-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_ALT_MASK, "today.next-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "today.go-today", NULL);
}

static void
kith_today_page_init (KithTodayPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->log_buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  get_today (&self->day);
  kith_today_page_reload (self);
}

/* Public API */

GtkWidget *
kith_today_page_new (void)
{
  return g_object_new (KITH_TYPE_TODAY_PAGE, NULL);
}

KithStore *
kith_today_page_get_store (KithTodayPage *self)
{
  g_return_val_if_fail (KITH_IS_TODAY_PAGE (self), NULL);

  return self->store;
}

void
kith_today_page_set_store (KithTodayPage *self,
                           KithStore     *store)
{
  g_return_if_fail (KITH_IS_TODAY_PAGE (self));
  g_return_if_fail (store == NULL || KITH_IS_STORE (store));

  if (g_set_object (&self->store, store))
    {
      kith_today_page_reload (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

const char *
kith_today_page_get_my_name (KithTodayPage *self)
{
  g_return_val_if_fail (KITH_IS_TODAY_PAGE (self), NULL);

  return self->my_name;
}

void
kith_today_page_set_my_name (KithTodayPage *self,
                             const char    *my_name)
{
  g_return_if_fail (KITH_IS_TODAY_PAGE (self));

  if (g_strcmp0 (self->my_name, my_name) == 0)
    return;
  g_free (self->my_name);
  self->my_name = g_strdup (my_name);
  kith_today_page_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MY_NAME]);
}

void
kith_today_page_set_day (KithTodayPage *self,
                         const GDate   *day)
{
  g_return_if_fail (KITH_IS_TODAY_PAGE (self));

  if (day != NULL && g_date_valid (day))
    self->day = *day;
  else
    get_today (&self->day);
  kith_today_page_reload (self);
}

void
kith_today_page_reload (KithTodayPage *self)
{
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  gboolean have_name;

  g_return_if_fail (KITH_IS_TODAY_PAGE (self));

  g_hash_table_remove_all (self->log_buttons);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->visits_box))) != NULL)
    gtk_box_remove (self->visits_box, child);
  update_day_label (self);

  {
    g_autofree char *name = g_strstrip (g_strdup (self->my_name ? self->my_name : ""));

    have_name = *name != '\0';
  }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "today.plan-visit", self->store != NULL && have_name);
  if (self->store == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  if (!have_name)
    {
      gtk_stack_set_visible_child_name (self->stack, "no-name");
      return;
    }

  if ((visits = kith_store_list_visits (self->store, self->my_name, &self->day, &error)) == NULL)
    {
      adw_status_page_set_title (self->empty_page, _("The Visits Could Not Be Read"));
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  for (guint i = 0; i < visits->len; i++)
    gtk_box_append (self->visits_box, make_card (self, visits->pdata[i]));
  gtk_stack_set_visible_child_name (self->stack, visits->len > 0 ? "visits" : "empty");
}

guint
kith_today_page_get_n_visits (KithTodayPage *self)
{
  g_return_val_if_fail (KITH_IS_TODAY_PAGE (self), 0);

  return g_hash_table_size (self->log_buttons);
}

GtkWidget *
kith_today_page_get_log_button (KithTodayPage *self,
                                const char    *encounter_id)
{
  g_return_val_if_fail (KITH_IS_TODAY_PAGE (self), NULL);

  return g_hash_table_lookup (self->log_buttons, encounter_id);
}

GtkWidget *
kith_today_page_get_dialog (KithTodayPage *self)
{
  g_return_val_if_fail (KITH_IS_TODAY_PAGE (self), NULL);

  return self->dialog;
}
