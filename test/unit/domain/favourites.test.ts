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
