import { describe, expect, it } from 'vitest';

import { csvLine, csvMoney, csvText } from './csv';

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("http://evil.test","click")', `"'=HYPERLINK(""http://evil.test"",""click"")"`],
    ['+1-555-0100', "'+1-555-0100"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
  ])('neutralises the formula %j', (input, output) => expect(csvText(input)).toBe(output));

  it.each([
    ['Acme, Inc.', '"Acme, Inc."'],
    ['Say "hi"', '"Say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['plain', 'plain'],
    ['', ''],
  ])('quotes %j only when needed', (input, output) => expect(csvText(input)).toBe(output));

  it('writes money as a plain decimal number, negative included', () => {
    expect(csvMoney(123456)).toBe('1234.56');
    expect(csvMoney(5)).toBe('0.05');
    expect(csvMoney(-1250)).toBe('-12.50');
    expect(csvLine(['a', csvMoney(-1)])).toBe('a,-0.01\r\n');
  });
});
