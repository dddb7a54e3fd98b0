// Who sells to a small Ethiopian food and drinks factory, and what they sell. Prices are in
// the supplier's currency; the ranges are rough but keep a carton from costing more than a
// tonne of flour, so a model trained on the output does not learn nonsense.
import type { FontName } from './types';

export interface Supplier {
  /** As printed at the top of the invoice. */
  name: string;
  /** The font the name needs; Latin names print in bold. */
  script: FontName;
  /** A Latin rendering printed under a non-Latin name, as such suppliers do for customs. */
  latinName: string | null;
  taxId: string | null;
  phone: string | null;
  email: string | null;
  address: string;
  currency: 'ETB' | 'USD' | 'EUR';
  bank: string;
}

export const SUPPLIERS: readonly Supplier[] = [
  {
    name: 'Abyssinia Packaging PLC',
    script: 'bold',
    latinName: null,
    taxId: '0001234567',
    phone: '+251 11 551 2345',
    email: 'sales@abyssiniapack.et',
    address: 'Bole Sub-city, Woreda 03, Addis Ababa',
    currency: 'ETB',
    bank: 'Commercial Bank of Ethiopia A/C 1000 1234 5678 9',
  },
  {
    name: 'አበበ ዱቄት ፋብሪካ',
    script: 'ethiopic',
    latinName: 'Abebe Flour Factory',
    taxId: '0045678912',
    phone: '+251 22 111 4567',
    email: null,
    address: 'Adama, Oromia',
    currency: 'ETB',
    bank: 'Awash Bank A/C 0132 4455 6677 00',
  },
  {
    name: 'ሰላም የምግብ ዘይት',
    script: 'ethiopic',
    latinName: 'Selam Edible Oil',
    taxId: '0078123456',
    phone: '+251 91 123 4567',
    email: 'selam.oil@gmail.com',
    address: 'Kombolcha Industrial Park',
    currency: 'ETB',
    bank: 'Dashen Bank A/C 5012 3456 7890',
  },
  {
    name: 'شركة النور للتغليف',
    script: 'arabic',
    latinName: 'Al Noor Packaging Co.',
    taxId: '300123456700003',
    phone: '+971 4 333 2211',
    email: 'export@alnoorpack.ae',
    address: 'Jebel Ali Free Zone, Dubai, UAE',
    currency: 'USD',
    bank: 'Emirates NBD IBAN AE07 0331 2345 6789 0123 456',
  },
  {
    name: '上海华美包装有限公司',
    script: 'cjk',
    latinName: 'Shanghai Huamei Packaging Co., Ltd.',
    taxId: '91310115MA1K4ABC2X',
    phone: '+86 21 5888 1234',
    email: 'huamei@hmpack.cn',
    address: 'Pudong New Area, Shanghai, China',
    currency: 'USD',
    bank: 'Bank of China SWIFT BKCHCNBJ300 A/C 4567 8901 2345',
  },
  {
    name: 'Habesha Sugar Traders',
    script: 'bold',
    latinName: null,
    taxId: '0023456781',
    phone: '+251 11 662 7788',
    email: null,
    address: 'Merkato, Addis Ketema, Addis Ababa',
    currency: 'ETB',
    bank: 'Bank of Abyssinia A/C 2233 4455 66',
  },
  {
    name: 'Lesaffre Yeast Supplies',
    script: 'bold',
    latinName: null,
    taxId: 'FR40 303 265 045',
    phone: '+33 3 20 81 61 00',
    email: 'orders@yeastsupplies.eu',
    address: '41 rue Etienne Marcel, Paris, France',
    currency: 'EUR',
    bank: 'IBAN FR76 3000 4000 0312 3456 7890 143',
  },
  {
    name: 'Ethio Label & Print',
    script: 'bold',
    latinName: null,
    taxId: null,
    phone: '+251 11 441 0099',
    email: 'print@ethiolabel.com',
    address: 'Kazanchis, Kirkos, Addis Ababa',
    currency: 'ETB',
    bank: 'Wegagen Bank A/C 0800 1122 3344',
  },
  {
    name: 'Moha PET Bottles Manufacturing',
    script: 'bold',
    latinName: null,
    taxId: '0056789123',
    phone: null,
    email: 'info@mohapet.et',
    address: 'Sebeta, Oromia',
    currency: 'ETB',
    bank: 'Commercial Bank of Ethiopia A/C 1000 9988 7766 5',
  },
  {
    name: 'Nile Chemicals & Cleaning',
    script: 'bold',
    latinName: null,
    taxId: '0067891234',
    phone: '+251 11 320 4455',
    email: null,
    address: 'Akaki Kality, Addis Ababa',
    currency: 'ETB',
    bank: 'Hibret Bank A/C 1234 5678 9012',
  },
];

export interface Product {
  code: string;
  description: string;
  /** Unit price range in major units of ETB; other currencies divide by ETB_PER. */
  low: number;
  high: number;
}

export const PRODUCTS: readonly Product[] = [
  { code: 'FL-WH-25', description: 'Wheat flour 25kg bag', low: 1800, high: 2600 },
  { code: 'FL-WH-50', description: 'Wheat flour 50kg bag', low: 3500, high: 5200 },
  { code: 'FL-TF-10', description: 'Teff flour white 10kg', low: 1400, high: 2100 },
  { code: 'SG-50', description: 'Sugar 50kg bag', low: 4800, high: 6900 },
  { code: 'SG-ICE-25', description: 'Icing sugar 25kg', low: 3100, high: 4200 },
  { code: 'OIL-SF-20', description: 'Cooking oil sunflower 20L jerrican', low: 3900, high: 5600 },
  { code: 'OIL-PM-5', description: 'Palm oil 5L', low: 950, high: 1300 },
  { code: 'YST-500', description: 'Instant dry yeast 500g pack', low: 310, high: 480 },
  { code: 'YST-10K', description: 'Fresh yeast 10kg block', low: 2100, high: 2900 },
  { code: 'SLT-25', description: 'Iodised salt 25kg', low: 600, high: 900 },
  { code: 'BP-1', description: 'Baking powder 1kg tin', low: 260, high: 390 },
  { code: 'MLK-PW-25', description: 'Skimmed milk powder 25kg', low: 11000, high: 16500 },
  { code: 'CTN-3P-A', description: 'Carton box 3-ply 40x30x25cm', low: 28, high: 46 },
  { code: 'CTN-5P-B', description: 'Carton box 5-ply 60x40x40cm', low: 55, high: 95 },
  {
    code: 'LBL-R-1000',
    description: 'Printed labels roll of 1000 (90x60mm)',
    low: 850,
    high: 1400,
  },
  { code: 'LBL-BC-5K', description: 'Barcode labels 5000 pcs', low: 1200, high: 1900 },
  { code: 'PET-500', description: 'PET bottle 500ml clear (pack of 100)', low: 420, high: 650 },
  { code: 'PET-1500', description: 'PET bottle 1.5L clear (pack of 50)', low: 380, high: 590 },
  { code: 'PRF-28', description: 'PET preform 28mm 18g (bag of 1000)', low: 2900, high: 4100 },
  { code: 'CAP-28-B', description: 'Screw caps 28mm blue (bag of 1000)', low: 690, high: 980 },
  { code: 'CAP-38-W', description: 'Screw caps 38mm white (bag of 500)', low: 510, high: 760 },
  { code: 'FLM-SH-50', description: 'Shrink film 50cm x 300m roll', low: 2400, high: 3300 },
  { code: 'STR-23', description: 'Stretch film 23 micron 500mm', low: 880, high: 1250 },
  { code: 'PP-BAG-50', description: 'Woven PP bags 50kg (bundle of 100)', low: 1500, high: 2300 },
  { code: 'TAPE-48', description: 'Packing tape 48mm x 100m', low: 95, high: 160 },
  { code: 'GLV-N-100', description: 'Nitrile gloves box of 100', low: 450, high: 720 },
  { code: 'HNT-50', description: 'Hair nets (pack of 50)', low: 120, high: 210 },
  { code: 'DET-20', description: 'Industrial detergent 20L', low: 1650, high: 2450 },
  { code: 'CHL-25', description: 'Chlorine granules 25kg drum', low: 6200, high: 8900 },
  { code: 'VAN-1', description: 'Vanilla flavour 1L', low: 540, high: 820 },
  { code: 'COC-25', description: 'Cocoa powder 25kg', low: 14500, high: 21000 },
  { code: 'PAL-EU', description: 'Wooden pallet 1200x800', low: 700, high: 1100 },
  { code: 'MOT-2K', description: 'Mixer motor 2.2kW replacement', low: 18000, high: 25000 },
  { code: 'BLT-V-A42', description: 'V-belt A42', low: 180, high: 320 },
  { code: 'SPN-5', description: 'Plastic measuring spoon 5ml', low: 0.5, high: 1.2 },
  { code: 'STK-DATE', description: 'Date coding ink cartridge', low: 2600, high: 3700 },
];

/** How many ETB a unit of the currency buys, to keep USD and EUR prices believable. */
export const ETB_PER: Readonly<Record<Supplier['currency'], number>> = {
  ETB: 1,
  USD: 150,
  EUR: 165,
};

/** The buyer: printed on A4 layouts with its own tax id, which a reader must not take. */
export const BUYER = {
  name: 'Factory-Shop Foods PLC',
  taxId: '0098765432',
  address: 'Gelan Industrial Zone, Oromia',
};
