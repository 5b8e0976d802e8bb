/** `GET /analytics`: a creator's usage over time as charts with tables (behind the `analytics` feature). */
import type { RequestHandler } from 'express';
import type { AnalyticsService, CreatorAnalytics } from '../services/analytics/analytics-service.ts';
import { creatorOf } from '../middleware/require-creator.ts';
import { barChart, lineChart } from '../views/svg-chart.ts';
import type { VideoEngagementQuery } from '../services/watching/video-engagement-query.ts';

const UTC = { timeZone: 'UTC' } as const;

/** A week by its Monday (UTC): `short` "7 Sept" for the axis, else "7 Sept 2026". */
export function weekLabel(weekStart: string, style: 'short' | 'long' = 'long'): string {
  return new Date(`${weekStart}T00:00:00Z`).toLocaleDateString('en-GB', {
    ...UTC,
    day: 'numeric',
    month: 'short',
    ...(style === 'long' ? { year: 'numeric' } : {}),
  });
}

/** A month by its first day: `short` "Mar" for the axis, else "March 2026". */
export function monthLabel(month: string, style: 'short' | 'long' = 'long'): string {
  return new Date(`${month}T00:00:00Z`).toLocaleDateString('en-GB', {
    ...UTC,
    ...(style === 'long' ? { month: 'long', year: 'numeric' } : { month: 'short' }),
  });
}

export function analyticsCharts(analytics: CreatorAnalytics) {
  const weeks = analytics.weeks.map((w) => ({
    ...w,
    label: weekLabel(w.weekStart),
    axisLabel: weekLabel(w.weekStart, 'short'),
  }));
  return {
    videos: barChart(
      weeks.map((w) => ({ label: w.label, axisLabel: w.axisLabel, value: w.videosAdded })),
      { id: 'videos-chart', title: 'Videos added per week', labelName: 'Week of', valueName: 'Videos added' },
    ),
    storage: lineChart(
      weeks.map((w) => ({ label: w.label, axisLabel: w.axisLabel, value: w.storageBytes })),
      {
        id: 'storage-chart',
        title: 'Storage used at the end of each week',
        labelName: 'Week of',
        valueName: 'Storage',
        valueKind: 'bytes',
      },
    ),
    credits: barChart(
      analytics.months.map((m) => ({
        label: monthLabel(m.month),
        axisLabel: monthLabel(m.month, 'short'),
        value: m.aiCredits,
      })),
      {
        id: 'credits-chart',
        title: 'AI credits used per month',
        labelName: 'Month',
        valueName: 'AI credits',
      },
    ),
    students: barChart(
      weeks.map((w) => ({ label: w.label, axisLabel: w.axisLabel, value: w.studentsJoined })),
      { id: 'students-chart', title: 'Students joined per week', labelName: 'Week of', valueName: 'Students joined' },
    ),
  };
}

export function analyticsController(deps: { analytics: AnalyticsService; engagement: VideoEngagementQuery }) {
  const show: RequestHandler = async (req, res) => {
    const creator = creatorOf(req);
    const [analytics, engagement] = await Promise.all([
      deps.analytics.forCreator(creator.id),
      deps.engagement.forCreator(creator.id),
    ]);
    res.render('pages/analytics', {
      title: 'Analytics',
      creator,
      analytics,
      engagement,
      charts: analyticsCharts(analytics),
      firstWeek: analytics.weeks[0] ? weekLabel(analytics.weeks[0].weekStart) : null,
    });
  };
  return { show };
}
