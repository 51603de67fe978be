/**
 * Tests of the CSV export: ASCII only whatever the slot names, '.' decimals with fixed
 * decimals, RFC 4180 quoting, empty cells for null.
 */
import { expect } from 'chai';
import { formatNumber, itemStatisticsCsv, quizSummaryCsv, textCell, toAscii } from '../csv-export';
import type { ItemAnalysis } from '../statistics';

const ANALYSIS: ItemAnalysis = {
  quiz: {
    attempts: 6,
    mean: 4,
    median: 4,
    sd: 2.0976176963403033,
    skewness: 0.21940540,
    kurtosis: -1.1428719,
    cic: -12.5,
    errorRatio: null,
    standardError: null,
  },
  items: [
    { slot: 'Soal ké-1 (Pancasila)', attempts: 6, facility: 200 / 3, sd: 51.64, discriminationIndex: 23.597, discriminativeEfficiency: 28, effectiveWeight: null, randomGuessScore: 33.333, intendedWeight: 25 },
    { slot: '問題 2, "bagian" A', attempts: 6, facility: 58.3333, sd: -0.0001, discriminationIndex: null, discriminativeEfficiency: null, effectiveWeight: 12.345, randomGuessScore: null, intendedWeight: 25 },
    { slot: '=HYPERLINK("x")', attempts: 6, facility: 0, sd: 0, discriminationIndex: -5.555, discriminativeEfficiency: 1, effectiveWeight: 0, randomGuessScore: 50, intendedWeight: 50 },
    { slot: 3, attempts: 6, facility: null, sd: null, discriminationIndex: null, discriminativeEfficiency: null, effectiveWeight: null, randomGuessScore: null, intendedWeight: null },
  ],
};

const isAscii = (s: string): boolean => /^[\x20-\x7e\r\n]*$/.test(s);

describe('report-item-analysis: csv-export', () => {
  it('writes the per-slot table in ASCII with fixed decimals and proper quoting', () => {
    const csv = itemStatisticsCsv(ANALYSIS);
    expect(isAscii(csv)).to.equal(true);
    expect(csv.split('\r\n')).to.deep.equal([
      'slot,attempts,facility_percent,sd_percent,discrimination_index_percent,discriminative_efficiency_percent,effective_weight_percent,random_guess_score_percent,intended_weight_percent',
      'Soal ke-1 (Pancasila),6,66.67,51.64,23.60,28.00,,33.33,25.00',
      '"\\u{554f}\\u{984c} 2, ""bagian"" A",6,58.33,0.00,,,12.35,,25.00',
      `"'=HYPERLINK(""x"")",6,0.00,0.00,-5.55,1.00,0.00,50.00,50.00`,
      '3,6,,,,,,,',
      '',
    ]);
  });

  it('writes the test summary, skewness and kurtosis with two more decimals', () => {
    const csv = quizSummaryCsv(ANALYSIS, { decimals: 1 });
    expect(isAscii(csv)).to.equal(true);
    expect(csv.split('\r\n')).to.deep.equal([
      'statistic,value',
      'attempts,6',
      'mean,4.0',
      'median,4.0',
      'sd,2.1',
      'skewness,0.219',
      'kurtosis,-1.143',
      'cic_percent,-12.5',
      'error_ratio_percent,',
      'standard_error,',
      '',
    ]);
  });

  it('formats numbers with a dot and no signed zero, null as empty', () => {
    expect(formatNumber(1234.5678, 2)).to.equal('1234.57');
    expect(formatNumber(-0.001, 2)).to.equal('0.00');
    expect(formatNumber(-0, 0)).to.equal('0');
    expect(formatNumber(null, 2)).to.equal('');
    expect(formatNumber(Number.NaN, 2)).to.equal('');
  });

  it('transliterates accents and escapes the rest, keeping names distinct', () => {
    expect(toAscii('Ujian Akhir – Bahasa Indonésia')).to.equal('Ujian Akhir \\u{2013} Bahasa Indonesia');
    expect(toAscii('ﬁnal')).to.equal('final');
    expect(toAscii('a\\b')).to.equal('a\\\\b');
    expect(toAscii('line\nbreak')).to.equal('line\\u{a}break');
    expect(toAscii('😀')).to.equal('\\u{1f600}');
    expect(textCell(' padded ')).to.equal('" padded "');
    expect(textCell('+62')).to.equal("'+62");
  });
});
