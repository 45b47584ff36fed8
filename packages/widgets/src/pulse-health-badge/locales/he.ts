// The badge's he texts, fetched only by pages in that language: see ../pulse-health-badge.messages.ts.
export default "בריאות|בריאות {score}, {band}|ירוק|צהוב|אדום|אין עדיין נתוני בריאות|טוען נתוני בריאות…|נתוני הבריאות אינם זמינים|\u2066{delta}\u2069 ב־30 ימים|90 הימים האחרונים: מ־{first} עד {last}|הגורמים העיקריים|שימוש במוצר|משוב לקוחות|תמיכה|תשלומים|הערכת מנהל הלקוח|קליטה|סקירות עסקיות";
