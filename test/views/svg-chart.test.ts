import { expect } from 'chai';
import { axisTicks, barChart, lineChart, type ChartOptions } from '../../src/views/svg-chart.ts';

const options: ChartOptions = {
  id: 'test-chart',
  title: 'Creators per tier',
  labelName: 'Tier',
  valueName: 'Creators',
};
const MB = 1024 ** 2;
const GB = 1024 ** 3;

describe('svg-chart', () => {
  describe('axisTicks', () => {
    it('steps counts by 1, 2 or 5 times a power of ten, from 0 to the first tick at or above the maximum', () => {
      expect(axisTicks(7)).to.deep.equal({ scaleMax: 8, values: [0, 2, 4, 6, 8] });
      expect(axisTicks(100)).to.deep.equal({ scaleMax: 100, values: [0, 50, 100] });
      expect(axisTicks(1234)).to.deep.equal({ scaleMax: 1500, values: [0, 500, 1000, 1500] });
    });

    it('never makes fractional ticks for counts', () => {
      expect(axisTicks(1)).to.deep.equal({ scaleMax: 1, values: [0, 1] });
      expect(axisTicks(3)).to.deep.equal({ scaleMax: 3, values: [0, 1, 2, 3] });
    });

    it('steps bytes in nice multiples of the largest power of 1024 below the maximum', () => {
      expect(axisTicks(1.5 * GB, 'bytes')).to.deep.equal({ scaleMax: 1.5 * GB, values: [0, 0.5 * GB, GB, 1.5 * GB] });
      expect(axisTicks(700 * MB, 'bytes')).to.deep.equal({
        scaleMax: 800 * MB,
        values: [0, 200 * MB, 400 * MB, 600 * MB, 800 * MB],
      });
    });

    it('gives all-zero (or empty) data the single tick 0 and a scale of 1', () => {
      expect(axisTicks(0)).to.deep.equal({ scaleMax: 1, values: [0] });
      expect(axisTicks(0, 'bytes')).to.deep.equal({ scaleMax: 1, values: [0] });
    });
  });

  describe('barChart', () => {
    const data = [
      { label: 'Free', value: 8, key: 'free' },
      { label: 'Basic', value: 4, key: 'basic' },
      { label: 'Pro', value: 2, key: 'pro' },
      { label: 'Enterprise', value: 0, key: 'enterprise' },
    ];

    it('draws one bar per value, with heights proportional to the values and bottoms on the baseline', () => {
      const chart = barChart(data, options);
      expect(chart.bars).to.have.length(4);
      const plotHeight = chart.plot.bottom - chart.plot.top;
      expect(chart.scaleMax).to.equal(8);
      expect(chart.bars[0]!.height).to.equal(plotHeight);
      expect(chart.bars[1]!.height).to.be.closeTo(plotHeight / 2, 0.01);
      expect(chart.bars[2]!.height).to.be.closeTo(plotHeight / 4, 0.01);
      for (const bar of chart.bars) expect(bar.y + bar.height).to.be.closeTo(chart.plot.bottom, 0.01);
    });

    it('draws a zero value as a bar of height 0 that still has its label and value', () => {
      const zero = barChart(data, options).bars[3]!;
      expect(zero.height).to.equal(0);
      expect(zero.y).to.equal(barChart(data, options).plot.bottom);
      expect(zero.label).to.equal('Enterprise');
      expect(zero.valueLabel).to.equal('0');
    });

    it('spaces bars evenly inside the plot, without overlap, centred on their labels', () => {
      const chart = barChart(data, options);
      const band = (chart.plot.right - chart.plot.left) / data.length;
      chart.bars.forEach((bar, i) => {
        expect(bar.x).to.be.at.least(chart.plot.left);
        expect(bar.x + bar.width).to.be.at.most(chart.plot.right);
        expect(bar.centerX).to.be.closeTo(chart.plot.left + band * (i + 0.5), 0.01);
        expect(bar.x + bar.width / 2).to.be.closeTo(bar.centerX, 0.01);
        if (i > 0) expect(bar.x).to.be.greaterThan(chart.bars[i - 1]!.x + chart.bars[i - 1]!.width);
      });
    });

    it('labels bars, values and ticks, and styles bars by their key', () => {
      const chart = barChart(data, options);
      expect(chart.bars.map((b) => b.label)).to.deep.equal(['Free', 'Basic', 'Pro', 'Enterprise']);
      expect(chart.bars.map((b) => b.valueLabel)).to.deep.equal(['8', '4', '2', '0']);
      expect(chart.bars.map((b) => b.className)).to.deep.equal([
        'chart-bar chart-bar-free',
        'chart-bar chart-bar-basic',
        'chart-bar chart-bar-pro',
        'chart-bar chart-bar-enterprise',
      ]);
      expect(chart.ticks.map((t) => t.label)).to.deep.equal(['0', '2', '4', '6', '8']);
      expect(chart.ticks[0]!.y).to.equal(chart.plot.bottom);
      expect(chart.ticks.at(-1)!.y).to.equal(chart.plot.top);
      expect(chart.ariaLabel).to.equal('Creators per tier. Free: 8, Basic: 4, Pro: 2, Enterprise: 0.');
      expect(chart.titleId).to.equal('test-chart-title');
      expect(chart.rows).to.deep.equal([
        { label: 'Free', value: 8, valueLabel: '8' },
        { label: 'Basic', value: 4, valueLabel: '4' },
        { label: 'Pro', value: 2, valueLabel: '2' },
        { label: 'Enterprise', value: 0, valueLabel: '0' },
      ]);
      expect(chart.empty).to.equal(false);
    });

    it('draws all-zero data as flat bars on the baseline and says it is empty', () => {
      const chart = barChart(
        [
          { label: 'A', value: 0 },
          { label: 'B', value: 0 },
        ],
        options,
      );
      expect(chart.empty).to.equal(true);
      expect(chart.bars.map((b) => b.height)).to.deep.equal([0, 0]);
      expect(chart.ticks).to.deep.equal([{ value: 0, label: '0', y: chart.plot.bottom }]);
      for (const bar of chart.bars) expect(Number.isFinite(bar.x) && Number.isFinite(bar.y)).to.equal(true);
    });

    it('handles no data at all', () => {
      const chart = barChart([], options);
      expect(chart.bars).to.deep.equal([]);
      expect(chart.empty).to.equal(true);
      expect(chart.ariaLabel).to.equal('Creators per tier. No data.');
    });

    it('formats byte values and ticks as sizes', () => {
      const chart = barChart(
        [
          { label: 'w1', value: 512 * MB },
          { label: 'w2', value: GB },
        ],
        { ...options, valueKind: 'bytes' },
      );
      expect(chart.bars.map((b) => b.valueLabel)).to.deep.equal(['512 MB', '1 GB']);
      expect(chart.ticks.map((t) => t.label)).to.deep.equal(['0 MB', '512 MB', '1 GB']);
    });

    it('draws every label when there is room, and every second one, ending with the latest, when they would overlap', () => {
      const weeks = Array.from({ length: 12 }, (_, i) => ({ label: `W${i + 1}`, value: i }));
      expect(barChart(weeks, options).bars.every((b) => b.showLabel)).to.equal(true);
      const narrow = barChart(weeks, { ...options, width: 360 });
      expect(narrow.labelEvery).to.equal(2);
      expect(narrow.bars.map((b) => b.showLabel)).to.deep.equal(weeks.map((_, i) => i % 2 === 1));
      const long = barChart(
        weeks.map((w) => ({ ...w, label: `${w.label}: a very long label` })),
        options,
      );
      expect(long.labelEvery).to.be.greaterThan(2);
      expect(long.bars.at(-1)!.showLabel).to.equal(true);
    });

    it('puts the short axis label on the axis and keeps the full one for the table and tooltips', () => {
      const chart = barChart([{ label: 'March 2026', axisLabel: 'Mar', value: 3 }], options);
      expect(chart.bars[0]).to.deep.include({ label: 'March 2026', axisLabel: 'Mar' });
      expect(chart.rows[0]!.label).to.equal('March 2026');
      expect(chart.ariaLabel).to.equal('Creators per tier. March 2026: 3.');
    });

    it('treats negative values as zero height', () => {
      const chart = barChart(
        [
          { label: 'a', value: -3 },
          { label: 'b', value: 3 },
        ],
        options,
      );
      expect(chart.bars[0]!.height).to.equal(0);
    });
  });

  describe('lineChart', () => {
    it('puts one point per value at the category centres, at heights proportional to the values', () => {
      const chart = lineChart(
        [
          { label: 'a', value: 0 },
          { label: 'b', value: 5 },
          { label: 'c', value: 10 },
        ],
        { ...options, id: 'line' },
      );
      expect(chart.kind).to.equal('line');
      expect(chart.points.map((p) => p.y)).to.deep.equal([
        chart.plot.bottom,
        (chart.plot.bottom + chart.plot.top) / 2,
        chart.plot.top,
      ]);
      const [a, b, c] = chart.points;
      expect(chart.linePath).to.equal(`M${a!.x} ${a!.y} L${b!.x} ${b!.y} L${c!.x} ${c!.y}`);
      expect(chart.areaPath).to.equal(
        `${chart.linePath} L${c!.x} ${chart.plot.bottom} L${a!.x} ${chart.plot.bottom} Z`,
      );
    });

    it('draws nothing for no data', () => {
      const chart = lineChart([], options);
      expect(chart.linePath).to.equal('');
      expect(chart.areaPath).to.equal('');
    });
  });
});
