/* kith-progress-view.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The person's own progress in their record: a chart per measure, rating
 * the goals with them at a review, and the same charts large and plain on
 * the screen shared with them.
 */

#define G_LOG_DOMAIN "kith-progress-view"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-goal-rating-dialog.h"
#include "kith-progress-view.h"
#include "kith-trend-chart.h"

struct _KithProgressView
{
  AdwBin      parent_instance;

  KithStore  *store;
  char       *patient_id;
  GPtrArray  *series;       /* KithSeries */
  GPtrArray  *charts;       /* KithTrendChart (borrowed from charts_box) */

  GtkStack   *stack;
  GtkBox     *charts_box;
  GtkWidget  *rate_button;
  GtkWidget  *show_button;
};

G_DEFINE_FINAL_TYPE (KithProgressView, kith_progress_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_PATIENT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
create_chart_block (const KithSeries *series,
                    gboolean          large,
                    GtkWidget       **chart_out)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, large ? 12 : 6);
  GtkWidget *title = gtk_label_new (series->title);
  GtkWidget *about = gtk_label_new (series->about);
  GtkWidget *chart = kith_trend_chart_new (series, large);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, large ? "title-1" : "heading");
  gtk_label_set_xalign (GTK_LABEL (about), 0);
  gtk_label_set_wrap (GTK_LABEL (about), TRUE);
  gtk_widget_add_css_class (about, large ? "title-3" : "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), about);
  gtk_box_append (GTK_BOX (box), chart);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (chart),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL,
                                  -1);
  if (chart_out)
    *chart_out = chart;
  return box;
}

static KithCarePlan *
load_plan_with_goals (KithProgressView *self)
{
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GPtrArray) goals = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || self->patient_id == NULL)
    return NULL;
  plan = kith_care_plan_load_current (self->store, self->patient_id, &error);
  if (plan == NULL)
    {
      if (error)
        g_warning ("Cannot read the care plan: %s", error->message);
      return NULL;
    }
  goals = kith_care_plan_list_goals (plan);
  return goals->len > 0 ? g_steal_pointer (&plan) : NULL;
}

static void
show_error (KithProgressView *self,
            const char       *message)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));

  if (window == NULL || !gtk_widget_activate_action (window, "win.show-toast", "s", message))
    g_warning ("%s", message);
}

/* Callbacks */

static void
on_rating_dialog_saved_cb (KithProgressView *self)
{
  kith_progress_view_reload (self);
}

static void
on_rate_button_clicked_cb (KithProgressView *self)
{
  GtkWidget *dialog = kith_progress_view_rate_goals (self);

  if (dialog)
    gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_show_button_clicked_cb (KithProgressView *self)
{
  GtkWidget *window = kith_progress_view_show_to_person (self);

  if (window)
    gtk_window_present (GTK_WINDOW (window));
}

/* Overrides */

static void
kith_progress_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KithProgressView *self = KITH_PROGRESS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:      g_value_set_object (value, self->store); break;
    case PROP_PATIENT_ID: g_value_set_string (value, self->patient_id); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_progress_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KithProgressView *self = KITH_PROGRESS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      if (g_set_object (&self->store, g_value_get_object (value)))
        {
          kith_progress_view_reload (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_PATIENT_ID:
      if (g_strcmp0 (self->patient_id, g_value_get_string (value)) != 0)
        {
          g_free (self->patient_id);
          self->patient_id = g_value_dup_string (value);
          kith_progress_view_reload (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_progress_view_finalize (GObject *object)
{
  KithProgressView *self = KITH_PROGRESS_VIEW (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->charts, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_progress_view_parent_class)->finalize (object);
}

static void
kith_progress_view_class_init (KithProgressViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = kith_progress_view_get_property;
  object_class->set_property = kith_progress_view_set_property;
  object_class->finalize = kith_progress_view_finalize;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, KITH_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PATIENT_ID] =
    g_param_spec_string ("patient-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-progress-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KithProgressView, stack);
  gtk_widget_class_bind_template_child (widget_class, KithProgressView, charts_box);
  gtk_widget_class_bind_template_child (widget_class, KithProgressView, rate_button);
  gtk_widget_class_bind_template_child (widget_class, KithProgressView, show_button);
  gtk_widget_class_bind_template_callback (widget_class, on_rate_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_show_button_clicked_cb);
}

static void
kith_progress_view_init (KithProgressView *self)
{
  self->charts = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  kith_progress_view_reload (self);
}

/* Public API */

GtkWidget *
kith_progress_view_new (KithStore  *store,
                        const char *patient_id)
{
  g_return_val_if_fail (store == NULL || KITH_IS_STORE (store), NULL);

  return g_object_new (KITH_TYPE_PROGRESS_VIEW, "store", store, "patient-id", patient_id, NULL);
}

void
kith_progress_view_reload (KithProgressView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  GtkWidget *child;

  g_return_if_fail (KITH_IS_PROGRESS_VIEW (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->charts_box))))
    gtk_box_remove (self->charts_box, child);
  g_ptr_array_set_size (self->charts, 0);
  g_clear_pointer (&self->series, g_ptr_array_unref);

  if (self->store && self->patient_id)
    {
      self->series = kith_progress_list_series (self->store, self->patient_id, &error);
      if (self->series == NULL)
        show_error (self, error->message);
    }
  for (guint i = 0; self->series && i < self->series->len; i++)
    {
      GtkWidget *chart = NULL;

      gtk_box_append (self->charts_box, create_chart_block (self->series->pdata[i], FALSE, &chart));
      g_ptr_array_add (self->charts, chart);
    }

  gtk_stack_set_visible_child_name (self->stack, self->charts->len > 0 ? "charts" : "empty");
  gtk_widget_set_sensitive (self->show_button, self->charts->len > 0);
  plan = load_plan_with_goals (self);
  gtk_widget_set_sensitive (self->rate_button, plan != NULL);
}

const char *
kith_progress_view_get_state (KithProgressView *self)
{
  g_return_val_if_fail (KITH_IS_PROGRESS_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GPtrArray *
kith_progress_view_list_charts (KithProgressView *self)
{
  g_return_val_if_fail (KITH_IS_PROGRESS_VIEW (self), NULL);

  return g_ptr_array_ref (self->charts);
}

GtkWidget *
kith_progress_view_rate_goals (KithProgressView *self)
{
  g_autoptr(KithCarePlan) plan = NULL;
  GtkWidget *dialog;

  g_return_val_if_fail (KITH_IS_PROGRESS_VIEW (self), NULL);

  /* The button is insensitive then; nothing to say. */
  if (!(plan = load_plan_with_goals (self)))
    return NULL;
  dialog = kith_goal_rating_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store, plan);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_rating_dialog_saved_cb), self, G_CONNECT_SWAPPED);
  return dialog;
}

GtkWidget *
kith_progress_view_show_to_person (KithProgressView *self)
{
  GtkWidget *window, *content, *header, *scrolled, *clamp, *box, *heading;
  GtkEventController *keys;

  g_return_val_if_fail (KITH_IS_PROGRESS_VIEW (self), NULL);

  if (self->series == NULL || self->series->len == 0)
    return NULL;

  /* Plain and large: the person reads it across the desk. */
  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("How I Am Doing"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);

  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (content), header);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 48);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 48);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  heading = gtk_label_new (_("How I am doing"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "title-1");
  gtk_box_append (GTK_BOX (box), heading);
  for (guint i = 0; i < self->series->len; i++)
    gtk_box_append (GTK_BOX (box), create_chart_block (self->series->pdata[i], TRUE, NULL));

  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 1000);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_box_append (GTK_BOX (content), scrolled);
  adw_window_set_content (ADW_WINDOW (window), content);

  /* Escape gives the screen back to the professional. */
  keys = GTK_EVENT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, keys);
  return window;
}
