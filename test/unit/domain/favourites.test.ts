import { favouriteProducts } from '../../../src/domain/favourites';

describe('favouriteProducts', () => {
  it('names the three bought most often, ties to the one bought most recently', () => {
    const orders = [['Mug', 'Beans'], ['Beans'], ['Filter papers'], ['Mug'], ['Grinder'], ['Kettle']].map((items) => JSON.stringify(items));
    // Beans and Mug twice (Mug more recently), then the newest of the ones bought once.
    expect(favouriteProducts(orders)).toEqual(['Mug', 'Beans', 'Kettle']);
  });

  it('trims names, skips blanks and rows that are not a list of names', () => {
    expect(favouriteProducts(['[" Beans ", "", 3]', 'not json', '{"a":1}', '["Beans"]'])).toEqual(['Beans']);
    expect(favouriteProducts([])).toEqual([]);
  });
});

describe('favouriteProducts leaves out what is not a product', () => {
  it('never names gift cards, shipping, fees or tips as a favourite', () => {
    const orders = [
      ['Gift Card', 'Standard Shipping', 'Kenya AA'],
      ['Gift card €50', 'Shipping', 'Tip'],
      ['Shipping protection', 'e-Gift Voucher', 'Express delivery'],
      ['Gift Wrap', 'Service fee', 'Kenya AA', 'Postage'],
    ].map((items) => JSON.stringify(items));
    expect(favouriteProducts(orders)).toEqual(['Kenya AA']);
  });

  it('keeps products whose names only contain such words', () => {
    for (const names of [['Special Delivery (CD)', 'Gift Box of Teas', 'The Shipping News'], ['Tip of the Tongue', 'Gift Cardigan', 'Delivery Man']]) {
      expect(favouriteProducts([JSON.stringify(names)]).sort()).toEqual([...names].sort());
    }
  });
});
