/* kith-assessment-summary.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The end of the assessment: the scores with their bands, what to talk
 * about ("likely eligible…", never a decision), and the needs the answers
 * point to, each with why, to accept or dismiss together. Then Pause (all
 * is saved already) or Complete. When completing is refused, the core's
 * words say what is left, and the page stays where it is.
 */

#define G_LOG_DOMAIN "kith-assessment-summary"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kith-assessment-summary.h"
#include "kith-format.h"

struct _KithAssessmentSummary
{
  GtkWidget       parent_instance;

  KithAssessment *assessment;
  char           *needs_key;      /* what the needs box shows now */
  char           *indications_key;

  /* Template widgets */
  GtkListBox     *scores_list;
  GtkWidget      *indications_group;
  GtkBox         *indications_box;
  GtkBox         *needs_box;
  GtkWidget      *no_needs_label;
  AdwEntryRow    *add_need_row;
  GtkLabel       *error_label;
  GtkWidget      *complete_button;
};

G_DEFINE_FINAL_TYPE (KithAssessmentSummary, kith_assessment_summary, GTK_TYPE_WIDGET)

enum {
  COMPLETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_needs (KithAssessmentSummary *self);

static void
remove_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    {
      if (GTK_IS_LIST_BOX (widget))
        gtk_list_box_remove (GTK_LIST_BOX (widget), child);
      else
        gtk_box_remove (GTK_BOX (widget), child);
    }
}

static void
show_error (KithAssessmentSummary *self,
            const char            *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static char *
describe_score_value (const KithScore *score)
{
  g_autofree char *value = NULL;

  if (!score->has_value)
    return g_strdup (_("Not finished"));

  if (score->max >= 0)
    /* Translators: a score out of its maximum, "12 of 27" */
    value = g_strdup_printf (_("%g of %d"), score->value, score->max);
  else
    value = g_strdup_printf ("%g", score->value);

  if (score->band_title == NULL)
    return g_steal_pointer (&value);

  /* Translators: a score and its band, "12 of 27 · Moderate" */
  return g_strdup_printf (_("%s · %s"), value, score->band_title);
}

static void
update_scores (KithAssessmentSummary *self)
{
  g_autoptr(GPtrArray) instruments = kith_assessment_list_instruments (self->assessment);
  guint n_rows = 0;

  remove_children (GTK_WIDGET (self->scores_list));

  for (guint i = 0; i < instruments->len; i++)
    {
      KithInstrument *instrument = instruments->pdata[i];
      g_autoptr(GPtrArray) scores = kith_assessment_score (self->assessment,
                                                           kith_instrument_get_id (instrument));

      for (guint s = 0; s < scores->len; s++)
        {
          KithScore *score = scores->pdata[s];
          g_autofree char *value = describe_score_value (score);
          GtkWidget *row = adw_action_row_new ();
          GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                           "label", value,
                                           "xalign", 1.0f,
                                           NULL);

          gtk_widget_add_css_class (label, "numeric");
          if (score->has_value)
            gtk_widget_add_css_class (label, "heading");
          else
            gtk_widget_add_css_class (label, "dim-label");

          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kith_instrument_get_title (instrument));
          /* "Pain now" says something; "PHQ-9 score" under "PHQ-9" does not. */
          if (score->title != NULL && !g_str_has_prefix (score->title, kith_instrument_get_title (instrument)))
            adw_action_row_set_subtitle (ADW_ACTION_ROW (row), score->title);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
          gtk_widget_set_focusable (row, FALSE);
          gtk_list_box_append (self->scores_list, row);
          n_rows++;
        }
    }

  if (n_rows == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No scored questionnaires"));
      gtk_widget_set_focusable (row, FALSE);
      gtk_list_box_append (self->scores_list, row);
    }
}

static void
update_indications (KithAssessmentSummary *self,
                    GPtrArray             *findings)
{
  g_autoptr(GString) key = g_string_new (NULL);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      KithFinding *finding = findings->pdata[i];

      if (finding->kind == KITH_FINDING_INDICATION)
        g_string_append_printf (key, "%s/%s/%s\n", finding->instrument_id, finding->name, finding->why);
    }

  if (g_strcmp0 (key->str, self->indications_key) == 0)
    return;
  g_free (self->indications_key);
  self->indications_key = g_strdup (key->str);

  remove_children (GTK_WIDGET (self->indications_box));
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      KithFinding *finding = findings->pdata[i];
      GtkWidget *box, *label;

      if (finding->kind != KITH_FINDING_INDICATION)
        continue;

      box = g_object_new (GTK_TYPE_BOX, "orientation", GTK_ORIENTATION_VERTICAL, "spacing", 4, NULL);
      gtk_widget_add_css_class (box, "kith-note");
      label = g_object_new (GTK_TYPE_LABEL, "label", finding->title, "xalign", 0.0f, "wrap", TRUE, NULL);
      gtk_widget_add_css_class (label, "heading");
      gtk_box_append (GTK_BOX (box), label);
      if (finding->why != NULL)
        gtk_box_append (GTK_BOX (box), g_object_new (GTK_TYPE_LABEL, "label", finding->why,
                                                     "xalign", 0.0f, "wrap", TRUE,
                                                     "wrap-mode", PANGO_WRAP_WORD_CHAR, NULL));
      label = g_object_new (GTK_TYPE_LABEL,
                            "label", _("This is a prompt to talk about, not a decision."),
                            "xalign", 0.0f, "wrap", TRUE, NULL);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (self->indications_box, box);
    }

  gtk_widget_set_visible (self->indications_group, key->len > 0);
}

static void
on_need_row_decided_cb (KithAssessmentSummary *self,
                        KithNeedRow           *row)
{
  g_autofree char *need_id = g_strdup (kith_need_row_get_need_id (row));
  KithNeedRow *rebuilt;

  show_error (self, NULL);
  update_needs (self);

  /* The keyboard stays with the need just decided. */
  if ((rebuilt = kith_assessment_summary_get_need_row (self, need_id)))
    {
      gtk_widget_grab_focus (GTK_WIDGET (kith_need_row_get_title_entry (rebuilt)));
      gtk_editable_select_region (kith_need_row_get_title_entry (rebuilt), -1, -1);
    }
}

static void
update_needs (KithAssessmentSummary *self)
{
  g_autoptr(GPtrArray) needs = kith_assessment_list_needs (self->assessment);
  g_autoptr(GString) key = g_string_new (NULL);

  for (guint i = 0; i < needs->len; i++)
    {
      KithNeed *need = needs->pdata[i];

      g_string_append_printf (key, "%s\t%d\t%s\t%s\t%s\n", need->id, need->state, need->title,
                              need->why != NULL ? need->why : "",
                              need->dismiss_reason != NULL ? need->dismiss_reason : "");
    }

  gtk_widget_set_visible (self->no_needs_label, needs->len == 0);

  /* Rebuilt only when something changed: a half-typed rewording or reason
   * must not vanish under the keyboard. */
  if (g_strcmp0 (key->str, self->needs_key) == 0)
    return;
  g_free (self->needs_key);
  self->needs_key = g_strdup (key->str);

  remove_children (GTK_WIDGET (self->needs_box));
  for (guint i = 0; i < needs->len; i++)
    {
      GtkWidget *row = kith_need_row_new (self->assessment, needs->pdata[i]);

      g_signal_connect_object (row, "decided", G_CALLBACK (on_need_row_decided_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_box_append (self->needs_box, row);
    }
}

static void
on_add_need_row_apply_cb (KithAssessmentSummary *self)
{
  kith_assessment_summary_add_need (self, gtk_editable_get_text (GTK_EDITABLE (self->add_need_row)));
}

static void
on_complete_button_clicked_cb (KithAssessmentSummary *self)
{
  kith_assessment_summary_complete (self);
}

static void
kith_assessment_summary_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), KITH_TYPE_ASSESSMENT_SUMMARY);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kith_assessment_summary_parent_class)->dispose (object);
}

static void
kith_assessment_summary_finalize (GObject *object)
{
  KithAssessmentSummary *self = KITH_ASSESSMENT_SUMMARY (object);

  g_clear_object (&self->assessment);
  g_clear_pointer (&self->needs_key, g_free);
  g_clear_pointer (&self->indications_key, g_free);

  G_OBJECT_CLASS (kith_assessment_summary_parent_class)->finalize (object);
}

static void
kith_assessment_summary_class_init (KithAssessmentSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_assessment_summary_dispose;
  object_class->finalize = kith_assessment_summary_finalize;

  /**
   * KithAssessmentSummary::completed:
   *
   * The assessment is complete and saved.
   */
  signals[COMPLETED] = g_signal_new ("completed",
                                     G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-assessment-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentSummary, scores_list);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentSummary, indications_group);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentSummary, indications_box);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentSummary, needs_box);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentSummary, no_needs_label);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentSummary, add_need_row);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentSummary, error_label);
  gtk_widget_class_bind_template_child (widget_class, KithAssessmentSummary, complete_button);
  gtk_widget_class_bind_template_callback (widget_class, on_add_need_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_complete_button_clicked_cb);
}

static void
kith_assessment_summary_init (KithAssessmentSummary *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kith_assessment_summary_new (KithAssessment *assessment)
{
  KithAssessmentSummary *self;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (assessment), NULL);

  self = g_object_new (KITH_TYPE_ASSESSMENT_SUMMARY, NULL);
  self->assessment = g_object_ref (assessment);
  kith_assessment_summary_refresh (self, NULL);

  return GTK_WIDGET (self);
}

void
kith_assessment_summary_refresh (KithAssessmentSummary *self,
                                 GPtrArray             *findings)
{
  g_autoptr(GPtrArray) own_findings = NULL;

  g_return_if_fail (KITH_IS_ASSESSMENT_SUMMARY (self));

  if (findings == NULL)
    findings = own_findings = kith_assessment_evaluate (self->assessment);

  update_scores (self);
  update_indications (self, findings);
  update_needs (self);
}

gboolean
kith_assessment_summary_complete (KithAssessmentSummary *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (KITH_IS_ASSESSMENT_SUMMARY (self), FALSE);

  /* Anything still being typed on another page is saved before this. */
  gtk_widget_activate_action (GTK_WIDGET (self), "assessment.flush", NULL);

  if (!kith_assessment_complete (self->assessment, &error))
    {
      /* The core's words list what is unfinished; stay right here. */
      show_error (self, error->message);
      return FALSE;
    }

  show_error (self, NULL);
  g_signal_emit (self, signals[COMPLETED], 0);
  return TRUE;
}

const char *
kith_assessment_summary_get_error (KithAssessmentSummary *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT_SUMMARY (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}

KithNeedRow *
kith_assessment_summary_get_need_row (KithAssessmentSummary *self,
                                      const char            *need_id)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT_SUMMARY (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->needs_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (kith_need_row_get_need_id (KITH_NEED_ROW (child)), need_id) == 0)
      return KITH_NEED_ROW (child);

  return NULL;
}

gboolean
kith_assessment_summary_add_need (KithAssessmentSummary *self,
                                  const char            *title)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *need_id = NULL;

  g_return_val_if_fail (KITH_IS_ASSESSMENT_SUMMARY (self), FALSE);

  if (!(need_id = kith_assessment_add_need (self->assessment, title, NULL, &error)))
    {
      show_error (self, error->message);
      return FALSE;
    }

  show_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->add_need_row), "");
  update_needs (self);
  return TRUE;
}

void
kith_assessment_summary_focus_first (KithAssessmentSummary *self)
{
  GtkWidget *first;

  g_return_if_fail (KITH_IS_ASSESSMENT_SUMMARY (self));

  first = gtk_widget_get_first_child (GTK_WIDGET (self->needs_box));
  /* On the first need, the cursor at the end: typing adds to its wording
   * rather than replacing it. */
  if (first != NULL)
    {
      GtkEditable *entry = kith_need_row_get_title_entry (KITH_NEED_ROW (first));

      gtk_widget_grab_focus (GTK_WIDGET (entry));
      gtk_editable_select_region (entry, -1, -1);
    }
  else
    gtk_widget_grab_focus (self->complete_button);
}
