/* kith-assessment-view.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The holistic assessment, done with the person: a sidebar of the seven
 * domains and the summary, each saying how far it has got, and over it
 * how many questions are answered in all. Open safety alerts stay on top
 * whichever page is showing. Every answer is saved as it is given, so
 * Back, Escape and Pause only make sure the last words typed are saved
 * too, mark the assessment paused, and return to the record.
 */

#define G_LOG_DOMAIN "kith-assessment-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kith-assessment-view.h"

struct _KithAssessmentView
{
  GtkWidget              parent_instance;

  KithStore             *store;
  KithAssessment        *assessment;
  GPtrArray             *pages;        /* KithAssessmentPage, in order */
  KithAssessmentSummary *summary;
  char                  *progress_text;

  /* Template widgets */
  AdwToastOverlay       *toast_overlay;
  AdwWindowTitle        *window_title;
  KithAlertBox          *alert_box;
  AdwLeaflet            *leaflet;
  GtkWidget             *sidebar;
  GtkLabel              *progress_label;
  GtkProgressBar        *progress_bar;
  GtkListBox            *sidebar_list;
  GtkStack              *stack;
};

G_DEFINE_FINAL_TYPE (KithAssessmentView, kith_assessment_view, GTK_TYPE_WIDGET)

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_toast (KithAssessmentView *self,
            const char         *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 8);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static GtkListBoxRow *
find_sidebar_row (KithAssessmentView *self,
                  const char         *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) &&
        g_strcmp0 (g_object_get_data (G_OBJECT (child), "kith-page-name"), name) == 0)
      return GTK_LIST_BOX_ROW (child);

  return NULL;
}

static GtkWidget *
make_sidebar_row (const char *name,
                  const char *title)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = g_object_new (GTK_TYPE_BOX, "spacing", 6, NULL);
  GtkWidget *texts = g_object_new (GTK_TYPE_BOX,
                                   "orientation", GTK_ORIENTATION_VERTICAL,
                                   "spacing", 2,
                                   "hexpand", TRUE,
                                   NULL);
  GtkWidget *title_label = g_object_new (GTK_TYPE_LABEL,
                                         "label", title,
                                         "xalign", 0.0f,
                                         "wrap", TRUE,
                                         "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                         NULL);
  GtkWidget *status_label = g_object_new (GTK_TYPE_LABEL,
                                          "xalign", 0.0f,
                                          "wrap", TRUE,
                                          NULL);
  GtkWidget *done_icon = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_widget_add_css_class (status_label, "caption");
  gtk_widget_add_css_class (status_label, "dim-label");
  gtk_box_append (GTK_BOX (texts), title_label);
  gtk_box_append (GTK_BOX (texts), status_label);
  gtk_box_append (GTK_BOX (box), texts);

  gtk_widget_set_valign (done_icon, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (done_icon, FALSE);
  gtk_widget_add_css_class (done_icon, "success");
  /* The words say "Done" too: the tick is never the only sign. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (done_icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Done"), -1);
  gtk_box_append (GTK_BOX (box), done_icon);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title_label, NULL,
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, status_label, NULL,
                                  -1);

  g_object_set_data_full (G_OBJECT (row), "kith-page-name", g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (row), "kith-status-label", status_label);
  g_object_set_data (G_OBJECT (row), "kith-done-icon", done_icon);
  return row;
}

static void
set_row_status (GtkListBoxRow *row,
                const char    *status,
                gboolean       done)
{
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "kith-status-label"), status);
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (row), "kith-done-icon"), done);
}

/* Questions in @domain that are not required and not answered yet */
static guint
count_optional_left (KithAssessmentView *self,
                     const char         *domain)
{
  g_autoptr(GPtrArray) instruments = kith_assessment_list_instruments (self->assessment);
  guint left = 0;

  for (guint i = 0; i < instruments->len; i++)
    {
      KithInstrument *instrument = instruments->pdata[i];
      KithAnswerSet *answers;

      if (g_strcmp0 (kith_instrument_get_domain (instrument), domain) != 0)
        continue;
      answers = kith_assessment_get_answers (self->assessment, kith_instrument_get_id (instrument));
      for (guint n = 0; n < kith_instrument_get_n_items (instrument); n++)
        {
          const KithInstrumentItem *item = kith_instrument_get_item (instrument, n);

          if (!item->required && item->type != KITH_ITEM_GROUP && item->type != KITH_ITEM_DISPLAY &&
              kith_answer_set_lookup (answers, item->link_id) == NULL)
            left++;
        }
    }

  return left;
}

static void
update_progress (KithAssessmentView *self)
{
  guint done = 0, total = 0;
  gboolean all_settled = TRUE;
  GtkListBoxRow *row;

  kith_assessment_get_progress (self->assessment, &done, &total);
  g_free (self->progress_text);
  /* Translators: overall progress of an assessment, "12 of 20 questions" */
  self->progress_text = g_strdup_printf (ngettext ("%u of %u question", "%u of %u questions", total),
                                         done, total);
  gtk_label_set_text (self->progress_label, self->progress_text);
  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 1.0);

  for (guint i = 0; i < self->pages->len; i++)
    {
      const char *domain = kith_assessment_page_get_domain (self->pages->pdata[i]);
      guint left = 0, to_confirm = 0, optional;
      g_autofree char *status = NULL;

      kith_assessment_get_domain_progress (self->assessment, domain, &left, &to_confirm);
      if (left > 0 && to_confirm > 0)
        /* Translators: a domain's progress in the sidebar; both numbers are counts of questions */
        status = g_strdup_printf (_("%u to answer · %u to confirm"), left, to_confirm);
      else if (left > 0)
        status = g_strdup_printf (ngettext ("%u question left", "%u questions left", left), left);
      else if (to_confirm > 0)
        status = g_strdup_printf (ngettext ("%u answer to confirm", "%u answers to confirm", to_confirm),
                                  to_confirm);
      else if ((optional = count_optional_left (self, domain)) > 0)
        /* Translators: a domain with every required question answered, and some optional ones not */
        status = g_strdup_printf (ngettext ("Done · %u optional question left",
                                            "Done · %u optional questions left", optional),
                                  optional);
      else
        status = g_strdup (_("Done"));

      all_settled &= left == 0 && to_confirm == 0;
      if ((row = find_sidebar_row (self, domain)))
        set_row_status (row, status, left == 0 && to_confirm == 0);
    }

  if ((row = find_sidebar_row (self, KITH_ASSESSMENT_VIEW_SUMMARY)))
    set_row_status (row,
                    all_settled ? _("Ready to complete") : _("Scores, needs, and completing"),
                    FALSE);
}

/* After anything is saved: every page shows what is saved now, with its
 * live scores, offers and indications; then progress and open alerts. */
static void
refresh (KithAssessmentView *self)
{
  g_autoptr(GPtrArray) findings = NULL;

  if (self->assessment == NULL)
    return;

  findings = kith_assessment_evaluate (self->assessment);
  for (guint i = 0; i < self->pages->len; i++)
    kith_assessment_page_refresh (self->pages->pdata[i], findings);
  if (self->summary != NULL)
    kith_assessment_summary_refresh (self->summary, findings);

  update_progress (self);
  kith_alert_box_reload (self->alert_box);
}

static void
on_assessment_changed_cb (KithAssessmentView *self,
                          const char         *instrument_id,
                          KithAssessment     *assessment)
{
  refresh (self);
}

static void
on_summary_completed_cb (KithAssessmentView *self)
{
  g_signal_emit (self, signals[CLOSED], 0, TRUE);
}

static void
on_sidebar_list_row_activated_cb (KithAssessmentView *self,
                                  GtkListBoxRow      *row)
{
  kith_assessment_view_show_page (self, g_object_get_data (G_OBJECT (row), "kith-page-name"));
}

static const char *
first_unfinished_page (KithAssessmentView *self)
{
  for (guint i = 0; i < self->pages->len; i++)
    {
      const char *domain = kith_assessment_page_get_domain (self->pages->pdata[i]);
      guint left = 0, to_confirm = 0;

      kith_assessment_get_domain_progress (self->assessment, domain, &left, &to_confirm);
      if (left > 0 || to_confirm > 0)
        return domain;
    }

  return KITH_ASSESSMENT_VIEW_SUMMARY;
}

static void
clear_assessment (KithAssessmentView *self)
{
  GtkWidget *child;

  if (self->assessment != NULL)
    {
      kith_assessment_view_flush (self);
      g_signal_handlers_disconnect_by_data (self->assessment, self);
    }

  g_ptr_array_set_size (self->pages, 0);
  self->summary = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->stack))) != NULL)
    gtk_stack_remove (self->stack, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list))) != NULL)
    gtk_list_box_remove (self->sidebar_list, child);

  g_clear_object (&self->assessment);
  g_clear_object (&self->store);
}

static void
go_to_neighbour (KithAssessmentView *self,
                 int                 step)
{
  const char *current = kith_assessment_view_get_page_name (self);
  int n = (int) self->pages->len + 1;   /* and the summary */
  int index = n - 1;

  for (int i = 0; i < (int) self->pages->len; i++)
    if (g_strcmp0 (kith_assessment_page_get_domain (self->pages->pdata[i]), current) == 0)
      index = i;

  index = CLAMP (index + step, 0, n - 1);
  kith_assessment_view_show_page (self,
                                  index < (int) self->pages->len
                                  ? kith_assessment_page_get_domain (self->pages->pdata[index])
                                  : KITH_ASSESSMENT_VIEW_SUMMARY);
}

static void
assessment_back_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  kith_assessment_view_close (KITH_ASSESSMENT_VIEW (widget));
}

static void
assessment_next_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  go_to_neighbour (KITH_ASSESSMENT_VIEW (widget), 1);
}

static void
assessment_previous_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  go_to_neighbour (KITH_ASSESSMENT_VIEW (widget), -1);
}

static void
assessment_show_sections_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  KithAssessmentView *self = KITH_ASSESSMENT_VIEW (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->sidebar_list);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  if (row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

static void
assessment_include_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  KithAssessmentView *self = KITH_ASSESSMENT_VIEW (widget);
  const char *instrument_id = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;
  KithInstrument *instrument;
  KithAssessmentPage *page;

  if (self->assessment == NULL)
    return;

  if (!kith_assessment_include (self->assessment, instrument_id, &error))
    {
      show_toast (self, error->message);
      return;
    }

  /* The page has the new questionnaire by now (::changed); the keyboard
   * goes to its first question not answered yet (PHQ-9 question 3, as
   * the PHQ-2's two answers are copied over). */
  refresh (self);
  instrument = kith_instrument_library_lookup (kith_instrument_library_get_default (), instrument_id);
  if (instrument != NULL &&
      (page = kith_assessment_view_get_page (self, kith_instrument_get_domain (instrument))))
    kith_assessment_page_focus_instrument (page, instrument_id);
}

static void
assessment_show_error_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  show_toast (KITH_ASSESSMENT_VIEW (widget), g_variant_get_string (parameter, NULL));
}

static void
assessment_flush_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  kith_assessment_view_flush (KITH_ASSESSMENT_VIEW (widget));
}

static void
kith_assessment_view_dispose (GObject *object)
{
  KithAssessmentView *self = KITH_ASSESSMENT_VIEW (object);
  GtkWidget *child;

  /* Never lose typing: whatever is still pending is saved now. */
  clear_assessment (self);
  g_clear_pointer (&self->pages, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_ASSESSMENT_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kith_assessment_view_parent_class)->dispose (object);
}

static void
kith_assessment_view_finalize (GObject *object)
{
  KithAssessmentView *self = KITH_ASSESSMENT_VIEW (object);

  g_clear_pointer (&self->progress_text, g_free);

  G_OBJECT_CLASS (kith_assessment_view_parent_class)->finalize (object);
}

static void
kith_assessment_view_class_init (KithAssessmentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_assessment_view_dispose;
  object_class->finalize = kith_assessment_view_finalize;

  /**
   * KithAssessmentView::closed:
   * @completed: whether the assessment was just completed
   *
   * Back to the record: everything is saved.
   */
  signals[CLOSED] = g_signal_new ("closed",
                                  G_TYPE_FROM_CLASS (klass),
                                  G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  g_type_ensure (KITH_TYPE_ALERT_BOX);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-assessment-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentView, window_title);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentView, alert_box);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentView, sidebar);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentView, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentView, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_list_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "assessment.back", NULL, assessment_back_action);
  gtk_widget_class_install_action (widget_class, "assessment.pause", NULL, assessment_back_action);
  gtk_widget_class_install_action (widget_class, "assessment.next", NULL, assessment_next_action);
  gtk_widget_class_install_action (widget_class, "assessment.previous", NULL, assessment_previous_action);
  gtk_widget_class_install_action (widget_class, "assessment.show-sections", NULL,
                                   assessment_show_sections_action);
  gtk_widget_class_install_action (widget_class, "assessment.include", "s", assessment_include_action);
  gtk_widget_class_install_action (widget_class, "assessment.show-error", "s",
                                   assessment_show_error_action);
  gtk_widget_class_install_action (widget_class, "assessment.flush", NULL, assessment_flush_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "assessment.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "assessment.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK,
                                       "assessment.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK,
                                       "assessment.previous", NULL);
}

static void
kith_assessment_view_init (KithAssessmentView *self)
{
  self->pages = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kith_assessment_view_new (void)
{
  return g_object_new (KITH_TYPE_ASSESSMENT_VIEW, NULL);
}

void
kith_assessment_view_set_assessment (KithAssessmentView *self,
                                     KithStore          *store,
                                     KithAssessment     *assessment,
                                     const char         *person_name)
{
  g_autoptr(GPtrArray) instruments = NULL;
  const KithAssessmentDomain *domains;
  guint n_domains;
  gboolean for_carer;
  GtkWidget *row;

  g_return_if_fail (KITH_IS_ASSESSMENT_VIEW (self));
  g_return_if_fail (assessment == NULL || KITH_IS_STORE (store));
  g_return_if_fail (assessment == NULL || KITH_IS_ASSESSMENT (assessment));

  clear_assessment (self);
  kith_alert_box_set_patient (self->alert_box, NULL, NULL);
  if (assessment == NULL)
    return;

  self->store = g_object_ref (store);
  self->assessment = g_object_ref (assessment);
  for_carer = g_strcmp0 (kith_assessment_get_subject_kind (assessment), "carer") == 0;

  adw_window_title_set_title (self->window_title, for_carer ? _("Carer’s Own Assessment")
                                                            : _("Holistic Assessment"));
  adw_window_title_set_subtitle (self->window_title, person_name != NULL ? person_name : "");

  /* The domains that have questions in this assessment: all seven for the
   * person, the carer's own for a carer. */
  instruments = kith_assessment_list_instruments (assessment);
  domains = kith_assessment_domains (&n_domains);
  for (guint d = 0; d < n_domains; d++)
    {
      gboolean has_questions = FALSE;
      GtkWidget *page;

      for (guint i = 0; i < instruments->len && !has_questions; i++)
        has_questions = g_strcmp0 (kith_instrument_get_domain (instruments->pdata[i]), domains[d].id) == 0;
      if (!has_questions)
        continue;

      page = kith_assessment_page_new (assessment, domains[d].id);
      gtk_stack_add_named (self->stack, page, domains[d].id);
      g_ptr_array_add (self->pages, page);

      row = make_sidebar_row (domains[d].id, domains[d].title);
      gtk_list_box_append (self->sidebar_list, row);
    }

  for (guint i = 0; i < self->pages->len; i++)
    {
      const KithAssessmentDomain *next = i + 1 < self->pages->len
        ? kith_assessment_domain_lookup (kith_assessment_page_get_domain (self->pages->pdata[i + 1]))
        : NULL;

      kith_assessment_page_set_next_title (self->pages->pdata[i], next != NULL ? next->title : _("Summary"));
    }

  self->summary = KITH_ASSESSMENT_SUMMARY (kith_assessment_summary_new (assessment));
  g_signal_connect_object (self->summary, "completed", G_CALLBACK (on_summary_completed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->summary), KITH_ASSESSMENT_VIEW_SUMMARY);
  row = make_sidebar_row (KITH_ASSESSMENT_VIEW_SUMMARY, _("Summary"));
  gtk_list_box_append (self->sidebar_list, row);

  g_signal_connect_object (assessment, "changed", G_CALLBACK (on_assessment_changed_cb), self,
                           G_CONNECT_SWAPPED);
  kith_alert_box_set_patient (self->alert_box, store, kith_assessment_get_patient_id (assessment));

  refresh (self);
  kith_assessment_view_show_page (self, first_unfinished_page (self));
}

KithAssessment *
kith_assessment_view_get_assessment (KithAssessmentView *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT_VIEW (self), NULL);

  return self->assessment;
}

void
kith_assessment_view_show_page (KithAssessmentView *self,
                                const char         *name)
{
  GtkWidget *page;

  g_return_if_fail (KITH_IS_ASSESSMENT_VIEW (self));
  g_return_if_fail (name != NULL);

  if (!(page = gtk_stack_get_child_by_name (self->stack, name)))
    return;

  gtk_stack_set_visible_child (self->stack, page);
  gtk_list_box_select_row (self->sidebar_list, find_sidebar_row (self, name));
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->stack));

  if (KITH_IS_ASSESSMENT_PAGE (page))
    kith_assessment_page_focus_first (KITH_ASSESSMENT_PAGE (page));
  else
    kith_assessment_summary_focus_first (KITH_ASSESSMENT_SUMMARY (page));
}

const char *
kith_assessment_view_get_page_name (KithAssessmentView *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
kith_assessment_view_close (KithAssessmentView *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KITH_IS_ASSESSMENT_VIEW (self));

  if (self->assessment == NULL)
    return;

  kith_assessment_view_flush (self);
  /* Every answer is saved already; this marks when it was last worked on. */
  if (!kith_assessment_pause (self->assessment, &error))
    g_warning ("Could not mark the assessment paused: %s", error->message);

  g_signal_emit (self, signals[CLOSED], 0, FALSE);
}

void
kith_assessment_view_flush (KithAssessmentView *self)
{
  g_return_if_fail (KITH_IS_ASSESSMENT_VIEW (self));

  for (guint i = 0; i < self->pages->len; i++)
    kith_assessment_page_flush (self->pages->pdata[i]);
}

KithAssessmentPage *
kith_assessment_view_get_page (KithAssessmentView *self,
                               const char         *domain)
{
  GtkWidget *page;

  g_return_val_if_fail (KITH_IS_ASSESSMENT_VIEW (self), NULL);

  page = domain != NULL ? gtk_stack_get_child_by_name (self->stack, domain) : NULL;
  return KITH_IS_ASSESSMENT_PAGE (page) ? KITH_ASSESSMENT_PAGE (page) : NULL;
}

KithAssessmentSummary *
kith_assessment_view_get_summary (KithAssessmentView *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT_VIEW (self), NULL);

  return self->summary;
}

KithAlertBox *
kith_assessment_view_get_alert_box (KithAssessmentView *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT_VIEW (self), NULL);

  return self->alert_box;
}

const char *
kith_assessment_view_get_progress_text (KithAssessmentView *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT_VIEW (self), NULL);

  return self->progress_text;
}

const char *
kith_assessment_view_get_domain_status (KithAssessmentView *self,
                                        const char         *domain)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (KITH_IS_ASSESSMENT_VIEW (self), NULL);

  if (!(row = find_sidebar_row (self, domain)))
    return NULL;

  return gtk_label_get_text (g_object_get_data (G_OBJECT (row), "kith-status-label"));
}
