import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatStrftime } from '../src/date-format';

const date = new Date('2024-03-05T06:07:08.123Z');

describe('formatStrftime', () => {
  it('formats target-csv default datestamp and timestamp formats in UTC', () => {
    assert.equal(formatStrftime(date, '%Y-%m-%d', 'UTC'), '2024-03-05');
    assert.equal(formatStrftime(date, '%Y-%m-%d.T%H%M%S', 'UTC'), '2024-03-05.T060708');
  });

  it('uses the wall clock and offset of the configured time zone', () => {
    assert.equal(formatStrftime(date, '%Y-%m-%d %H:%M %z', 'America/New_York'), '2024-03-05 01:07 -0500');
    assert.equal(formatStrftime(date, '%d %H %z %Z', 'Asia/Kolkata'), '05 11 +0530 Asia/Kolkata');
    assert.equal(formatStrftime(new Date('2024-12-31T23:30:00Z'), '%Y-%j', 'Asia/Tokyo'), '2025-001');
  });

  it('knows the other common codes and leaves %% as a percent sign', () => {
    assert.equal(
      formatStrftime(date, '%y %b %B %a %A %I %p %f %j %%', 'UTC'),
      '24 Mar March Tue Tuesday 06 AM 123000 065 %',
    );
  });
});
