/* kith-assessment-page.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One domain of the holistic assessment: its questionnaires, each with a
 * live score; "Nothing has changed" for answers carried from last time;
 * then "In their own words". A fuller questionnaire offered by a screen
 * (PHQ-9 after the PHQ-2) appears right after the screen that offered it.
 * After each answer the focus moves on to the next question, or to the
 * offer the answer has just raised, so a questionnaire can be done from
 * the keyboard alone.
 */

#define G_LOG_DOMAIN "kith-assessment-page"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kith-assessment-page.h"
#include "kith-question-row.h"

#define SAVE_DELAY_MS 800

struct _KithAssessmentPage
{
  GtkWidget       parent_instance;

  KithAssessment *assessment;
  char           *domain;
  GPtrArray      *groups;     /* KithInstrumentGroup, in the order shown */
  guint           save_id;
  guint           note_dirty : 1;
  guint           syncing : 1;

  /* Template widgets */
  GtkScrolledWindow *scrolled_window;
  GtkLabel          *title_label;
  GtkLabel          *description_label;
  GtkWidget         *confirm_box;
  GtkLabel          *confirm_label;
  GtkBox            *groups_box;
  GtkTextView       *note_view;
  GtkButton         *next_button;
};

G_DEFINE_FINAL_TYPE (KithAssessmentPage, kith_assessment_page, GTK_TYPE_WIDGET)

static const KithAssessmentDomain domains[] = {
  { "about-me", N_("About me"), N_("Who you are, and what matters most to you.") },
  { "health", N_("Health"), N_("Your health: conditions, pain, medicines, falls and sleep.") },
  { "daily-living", N_("Daily living and social"),
    N_("Everyday life at home and out and about, your home, money, and the people around you.") },
  { "emotional", N_("Emotional and psychological"), N_("How you have been feeling lately.") },
  { "practical", N_("Practical"), N_("Equipment, changes to your home, getting about, and help at home.") },
  { "carer", N_("Carer"), N_("The people who help look after you, and how they are managing.") },
  { "risk", N_("Risk and crisis"), N_("What to do if things get worse, and who to call at any hour.") },
};

const KithAssessmentDomain *
kith_assessment_domains (guint *n_domains)
{
  static KithAssessmentDomain translated[G_N_ELEMENTS (domains)];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
        {
          translated[i].id = domains[i].id;
          translated[i].title = _(domains[i].title);
          translated[i].description = _(domains[i].description);
        }
      g_once_init_leave (&initialized, 1);
    }

  if (n_domains != NULL)
    *n_domains = G_N_ELEMENTS (domains);
  return translated;
}

const KithAssessmentDomain *
kith_assessment_domain_lookup (const char *id)
{
  guint n_domains;
  const KithAssessmentDomain *all = kith_assessment_domains (&n_domains);

  for (guint i = 0; i < n_domains; i++)
    if (g_strcmp0 (all[i].id, id) == 0)
      return &all[i];

  return NULL;
}

static void on_question_row_answered_cb (KithAssessmentPage *self,
                                         KithQuestionRow    *row);

static void
report_error (KithAssessmentPage *self,
              const char         *message)
{
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "assessment.show-error", "s", message))
    g_warning ("%s", message);
}

/* The screen @instrument asks the same questions as (the PHQ-2, for the
 * PHQ-9), when it is in the assessment; or NULL. */
static char *
dup_screen (KithAssessmentPage *self,
            KithInstrument     *instrument)
{
  for (guint i = 0; i < kith_instrument_get_n_items (instrument); i++)
    {
      const char *same_as = kith_instrument_get_same_as (instrument,
                                                         kith_instrument_get_item (instrument, i)->link_id);
      const char *colon = same_as != NULL ? strchr (same_as, ':') : NULL;
      g_autofree char *screen = NULL;

      if (colon == NULL)
        continue;
      screen = g_strndup (same_as, colon - same_as);
      if (kith_assessment_includes (self->assessment, screen))
        return g_steal_pointer (&screen);
    }

  return NULL;
}

static gboolean
follows_screen (KithAssessmentPage *self,
                KithInstrument     *instrument,
                const char         *screen)
{
  g_autofree char *own = dup_screen (self, instrument);

  return own != NULL && g_strcmp0 (own, screen) == 0;
}

/* This domain's instruments, a fuller one right after its screen. */
static GPtrArray *
list_domain_instruments (KithAssessmentPage *self)
{
  g_autoptr(GPtrArray) all = kith_assessment_list_instruments (self->assessment);
  g_autoptr(GPtrArray) followers = g_ptr_array_new ();
  GPtrArray *ordered = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    {
      KithInstrument *instrument = all->pdata[i];
      g_autofree char *screen = NULL;

      if (g_strcmp0 (kith_instrument_get_domain (instrument), self->domain) != 0)
        continue;
      if ((screen = dup_screen (self, instrument)) != NULL)
        g_ptr_array_add (followers, instrument);
      else
        g_ptr_array_add (ordered, instrument);
    }

  for (guint i = 0; i < followers->len; i++)
    {
      g_autofree char *screen = dup_screen (self, followers->pdata[i]);
      guint position = ordered->len;

      for (guint j = 0; j < ordered->len; j++)
        if (g_strcmp0 (kith_instrument_get_id (ordered->pdata[j]), screen) == 0)
          position = j + 1;
      /* After the screen, and after fuller ones placed there before it */
      while (position < ordered->len && follows_screen (self, ordered->pdata[position], screen))
        position++;
      g_ptr_array_insert (ordered, position, followers->pdata[i]);
    }

  return ordered;
}

static KithInstrumentGroup *
find_group (KithAssessmentPage *self,
            const char         *instrument_id)
{
  for (guint i = 0; i < self->groups->len; i++)
    if (g_strcmp0 (kith_instrument_get_id (kith_instrument_group_get_instrument (self->groups->pdata[i])),
                   instrument_id) == 0)
      return self->groups->pdata[i];

  return NULL;
}

static void
connect_rows (KithAssessmentPage  *self,
              KithInstrumentGroup *group)
{
  g_autoptr(GPtrArray) stops = g_ptr_array_new ();

  kith_instrument_group_collect_stops (group, stops);
  for (guint i = 0; i < stops->len; i++)
    if (KITH_IS_QUESTION_ROW (stops->pdata[i]))
      g_signal_connect_object (stops->pdata[i], "answered",
                               G_CALLBACK (on_question_row_answered_cb), self, G_CONNECT_SWAPPED);
}

static void
sync_groups (KithAssessmentPage *self)
{
  g_autoptr(GPtrArray) instruments = list_domain_instruments (self);
  GtkWidget *previous = NULL;

  g_ptr_array_set_size (self->groups, 0);

  for (guint i = 0; i < instruments->len; i++)
    {
      KithInstrument *instrument = instruments->pdata[i];
      GtkWidget *group = NULL;

      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box));
           child != NULL && group == NULL;
           child = gtk_widget_get_next_sibling (child))
        if (kith_instrument_group_get_instrument (KITH_INSTRUMENT_GROUP (child)) == instrument)
          group = child;

      if (group == NULL)
        {
          group = kith_instrument_group_new (self->assessment, instrument);
          gtk_box_insert_child_after (self->groups_box, group, previous);
          connect_rows (self, KITH_INSTRUMENT_GROUP (group));
        }
      else
        {
          gtk_box_reorder_child_after (self->groups_box, group, previous);
        }

      g_ptr_array_add (self->groups, group);
      previous = group;
    }
}

static void
update_confirm_box (KithAssessmentPage *self)
{
  guint left = 0, to_confirm = 0;
  g_autofree char *text = NULL;

  kith_assessment_get_domain_progress (self->assessment, self->domain, &left, &to_confirm);

  if (to_confirm > 0)
    {
      text = g_strdup_printf (ngettext ("%u answer is from last time. Check it with the person: "
                                        "if nothing has changed, confirm it here.",
                                        "%u answers are from last time. Check them with the person: "
                                        "if nothing has changed, confirm them all at once.",
                                        to_confirm),
                              to_confirm);
      gtk_label_set_text (self->confirm_label, text);
    }
  gtk_widget_set_visible (self->confirm_box, to_confirm > 0);
}

static void
sync_note (KithAssessmentPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->note_view);
  const char *saved = kith_assessment_get_note (self->assessment, self->domain);
  g_autofree char *shown = NULL;
  GtkTextIter start, end;

  if (self->note_dirty)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (g_strcmp0 (shown, saved != NULL ? saved : "") == 0)
    return;

  self->syncing = TRUE;
  gtk_text_buffer_set_text (buffer, saved != NULL ? saved : "", -1);
  self->syncing = FALSE;
}

static void
save_note (KithAssessmentPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->note_view);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (!self->note_dirty)
    return;
  self->note_dirty = FALSE;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (!kith_assessment_set_note (self->assessment, self->domain, text, &error))
    {
      /* Keep the words on screen, and try again at the next pause. */
      self->note_dirty = TRUE;
      report_error (self, error->message);
    }
}

static gboolean
on_note_save_timeout_cb (gpointer user_data)
{
  KithAssessmentPage *self = user_data;

  self->save_id = 0;
  save_note (self);
  return G_SOURCE_REMOVE;
}

static void
on_note_buffer_changed_cb (KithAssessmentPage *self)
{
  if (self->syncing)
    return;

  self->note_dirty = TRUE;
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, on_note_save_timeout_cb, self);
}

static void
on_note_focus_leave_cb (KithAssessmentPage *self)
{
  save_note (self);
}

static void
on_confirm_button_clicked_cb (KithAssessmentPage *self)
{
  g_autoptr(GError) error = NULL;

  kith_assessment_page_flush (self);
  if (!kith_assessment_confirm_domain (self->assessment, self->domain, &error))
    report_error (self, error->message);

  update_confirm_box (self);
  if (error == NULL)
    kith_assessment_page_focus_first (self);
}

static GPtrArray *
collect_stops (KithAssessmentPage *self)
{
  GPtrArray *stops = g_ptr_array_new ();

  for (guint i = 0; i < self->groups->len; i++)
    kith_instrument_group_collect_stops (self->groups->pdata[i], stops);
  return stops;
}

static gboolean
focus_stop (GtkWidget *stop)
{
  if (KITH_IS_QUESTION_ROW (stop))
    return kith_question_row_focus_input (KITH_QUESTION_ROW (stop));

  return gtk_widget_grab_focus (stop);
}

/* After an answer: on to the next question, or to an offer the answer
 * has just raised; after the last one, "In their own words". */
static void
on_question_row_answered_cb (KithAssessmentPage *self,
                             KithQuestionRow    *row)
{
  g_autoptr(GPtrArray) stops = collect_stops (self);
  guint index;

  if (!g_ptr_array_find (stops, row, &index))
    return;

  for (guint i = index + 1; i < stops->len; i++)
    if (gtk_widget_is_visible (stops->pdata[i]) && focus_stop (stops->pdata[i]))
      return;

  gtk_widget_grab_focus (GTK_WIDGET (self->note_view));
}

static void
kith_assessment_page_dispose (GObject *object)
{
  KithAssessmentPage *self = KITH_ASSESSMENT_PAGE (object);
  GtkWidget *child;

  if (self->assessment != NULL)
    save_note (self);
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_pointer (&self->groups, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_ASSESSMENT_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kith_assessment_page_parent_class)->dispose (object);
}

static void
kith_assessment_page_finalize (GObject *object)
{
  KithAssessmentPage *self = KITH_ASSESSMENT_PAGE (object);

  g_clear_object (&self->assessment);
  g_clear_pointer (&self->domain, g_free);

  G_OBJECT_CLASS (kith_assessment_page_parent_class)->finalize (object);
}

static void
kith_assessment_page_class_init (KithAssessmentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_assessment_page_dispose;
  object_class->finalize = kith_assessment_page_finalize;

  g_type_ensure (KITH_TYPE_INSTRUMENT_GROUP);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-assessment-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentPage, confirm_box);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentPage, confirm_label);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentPage, groups_box);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentPage, note_view);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentPage, next_button);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_button_clicked_cb);
}

static void
kith_assessment_page_init (KithAssessmentPage *self)
{
  GtkEventController *focus_controller;

  self->groups = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (gtk_text_view_get_buffer (self->note_view), "changed",
                            G_CALLBACK (on_note_buffer_changed_cb), self);
  focus_controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus_controller, "leave", G_CALLBACK (on_note_focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->note_view), focus_controller);
}

GtkWidget *
kith_assessment_page_new (KithAssessment *assessment,
                          const char     *domain)
{
  KithAssessmentPage *self;
  const KithAssessmentDomain *info;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (assessment), NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  self = g_object_new (KITH_TYPE_ASSESSMENT_PAGE, NULL);
  self->assessment = g_object_ref (assessment);
  self->domain = g_strdup (domain);

  info = kith_assessment_domain_lookup (domain);
  gtk_label_set_text (self->title_label, info != NULL ? info->title : domain);
  if (g_strcmp0 (kith_assessment_get_subject_kind (assessment), "carer") == 0)
    gtk_label_set_text (self->description_label,
                        _("Your own needs as a carer. This assessment belongs to you."));
  else if (g_strcmp0 (domain, "carer") == 0)
    gtk_label_set_text (self->description_label,
                        _("The people who help look after you, and how they are managing. "
                          "Your carer’s own needs are assessed separately, with their consent: "
                          "start that from your record."));
  else
    gtk_label_set_text (self->description_label, info != NULL ? info->description : "");

  kith_assessment_page_refresh (self, NULL);
  sync_note (self);

  return GTK_WIDGET (self);
}

const char *
kith_assessment_page_get_domain (KithAssessmentPage *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT_PAGE (self), NULL);

  return self->domain;
}

void
kith_assessment_page_refresh (KithAssessmentPage *self,
                              GPtrArray          *findings)
{
  g_return_if_fail (KITH_IS_ASSESSMENT_PAGE (self));

  sync_groups (self);
  for (guint i = 0; i < self->groups->len; i++)
    kith_instrument_group_refresh (self->groups->pdata[i], findings);
  update_confirm_box (self);
  sync_note (self);
}

void
kith_assessment_page_flush (KithAssessmentPage *self)
{
  g_return_if_fail (KITH_IS_ASSESSMENT_PAGE (self));

  for (guint i = 0; i < self->groups->len; i++)
    kith_instrument_group_flush (self->groups->pdata[i]);
  save_note (self);
}

gboolean
kith_assessment_page_focus_first (KithAssessmentPage *self)
{
  g_autoptr(GPtrArray) stops = NULL;

  g_return_val_if_fail (KITH_IS_ASSESSMENT_PAGE (self), FALSE);

  stops = collect_stops (self);
  for (guint i = 0; i < stops->len; i++)
    if (KITH_IS_QUESTION_ROW (stops->pdata[i]) &&
        !kith_question_row_is_settled (stops->pdata[i]) &&
        focus_stop (stops->pdata[i]))
      return TRUE;

  if (stops->len > 0 && focus_stop (stops->pdata[0]))
    return TRUE;

  return gtk_widget_grab_focus (GTK_WIDGET (self->note_view));
}

gboolean
kith_assessment_page_focus_instrument (KithAssessmentPage *self,
                                       const char         *instrument_id)
{
  KithInstrumentGroup *group;
  g_autoptr(GPtrArray) stops = g_ptr_array_new ();

  g_return_val_if_fail (KITH_IS_ASSESSMENT_PAGE (self), FALSE);

  if (!(group = find_group (self, instrument_id)))
    return FALSE;

  kith_instrument_group_collect_stops (group, stops);
  for (guint i = 0; i < stops->len; i++)
    if (KITH_IS_QUESTION_ROW (stops->pdata[i]) &&
        !kith_question_row_is_settled (stops->pdata[i]) &&
        focus_stop (stops->pdata[i]))
      return TRUE;

  return stops->len > 0 && focus_stop (stops->pdata[0]);
}

void
kith_assessment_page_set_next_title (KithAssessmentPage *self,
                                     const char         *title)
{
  g_autofree char *label = NULL;

  g_return_if_fail (KITH_IS_ASSESSMENT_PAGE (self));

  /* Translators: the button at the foot of a domain, "Next: Health" */
  label = g_strdup_printf (_("Next: %s"), title);
  gtk_button_set_label (self->next_button, label);
}

KithInstrumentGroup *
kith_assessment_page_get_group (KithAssessmentPage *self,
                                const char         *instrument_id)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT_PAGE (self), NULL);

  return find_group (self, instrument_id);
}

GtkWidget *
kith_assessment_page_get_note_view (KithAssessmentPage *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT_PAGE (self), NULL);

  return GTK_WIDGET (self->note_view);
}
