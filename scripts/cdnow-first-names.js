#!/usr/bin/env node
/**
 * Writes samples/cdnow/customers.csv: a generated first name for each of the 2,357 customers of
 * the CDNOW sample, which has none, so the demo's emails greet people as a real shop's would.
 * The names are common US first names of people buying CDs in 1997; each customer's is picked
 * by a fixed hash of their id, so the file is the same every time. Emails are the ones the CDNOW
 * import gives (`cdnow-<id>@example.com`, a reserved domain); consent is left unsaid.
 *
 *   node scripts/cdnow-first-names.js
 */
const { writeFileSync } = require('node:fs');
const path = require('node:path');

const NAMES = [
  'Michael', 'Jennifer', 'David', 'Lisa', 'James', 'Kimberly', 'John', 'Michelle', 'Robert', 'Amy',
  'Christopher', 'Angela', 'Jason', 'Melissa', 'Brian', 'Heather', 'William', 'Stephanie', 'Kevin', 'Nicole',
  'Mark', 'Elizabeth', 'Jeffrey', 'Rebecca', 'Steven', 'Laura', 'Thomas', 'Julie', 'Timothy', 'Karen',
  'Richard', 'Susan', 'Eric', 'Christine', 'Scott', 'Dawn', 'Daniel', 'Tracy', 'Matthew', 'Wendy',
  'Anthony', 'Denise', 'Paul', 'Tammy', 'Joseph', 'Mary', 'Kenneth', 'Patricia', 'Gregory', 'Andrea',
  'Todd', 'Maria', 'Sean', 'Rachel', 'Keith', 'Monica', 'Patrick', 'Erin', 'Greg', 'Tina',
  'Charles', 'Sarah', 'Andrew', 'Kelly', 'Chris', 'Stacy', 'Shawn', 'Carol', 'Craig', 'Linda',
  'Troy', 'Deborah', 'Marcus', 'Renee', 'Darren', 'Diane', 'Jose', 'Veronica', 'Luis', 'Yolanda',
  'Carlos', 'Latoya', 'Derek', 'Keisha', 'Gary', 'Tonya', 'Ronald', 'Gina', 'Peter', 'Theresa',
  'Aaron', 'Robin', 'Jeremy', 'Kristen', 'Raymond', 'Donna', 'Douglas', 'Cynthia', 'Adam', 'Sandra',
  'Dennis', 'Pamela', 'Jonathan', 'Shannon', 'Larry', 'Holly', 'Frank', 'Anne', 'Jerry', 'Catherine',
  'Kyle', 'Jill', 'Nathan', 'Carrie', 'Ryan', 'Allison', 'Vincent', 'Dana', 'Joel', 'Leslie',
  'Hiroshi', 'Mei', 'Tuan', 'Priya', 'Rajesh', 'Sung', 'Ahmed', 'Fatima', 'Miguel', 'Rosa',
];
const CUSTOMERS = 2357;

const hash = (n) => {
  let x = (n * 2654435761) >>> 0;
  x ^= x >>> 16;
  return Math.imul(x, 0x45d9f3b) >>> 0;
};

const lines = ['customer_id,email,first_name,last_name,accepts_marketing'];
for (let id = 1; id <= CUSTOMERS; id++) lines.push(`${id},cdnow-${id}@example.com,${NAMES[hash(id) % NAMES.length]},,`);
writeFileSync(path.join(__dirname, '../samples/cdnow/customers.csv'), lines.join('\n') + '\n');
